-- Projects: git settings. The git token itself lives in secrets-service; only whether one is
-- stored is kept here.
create table projects (
    id                 uuid        primary key,
    company_id         uuid        not null references companies (id),
    name               text        not null,
    git_url            text,
    default_branch     text        not null default 'main',
    protected_branches text[]      not null default '{}',
    team_id            uuid,
    has_git_token      boolean     not null default false,
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now(),
    version            bigint      not null default 0,
    unique (company_id, id),
    foreign key (company_id, team_id) references teams (company_id, id)
);
create unique index projects_name on projects (company_id, lower(name));
