-- Hiring under approval: a company may require the board's approval before a new agent works.
-- Such an agent starts pending_approval and a hire_agent approval names it; the decision makes
-- it active or terminated.
alter table companies add column require_agent_approval boolean not null default false;

alter table agents drop constraint agents_status_check;
alter table agents add constraint agents_status_check
    check (status in ('pending_approval', 'active', 'idle', 'paused', 'terminated'));

alter table approvals add column agent_id uuid;
alter table approvals add foreign key (company_id, agent_id) references agents (company_id, id);
alter table approvals add check (agent_id is null or kind = 'hire_agent');
-- one open hiring decision per agent
create unique index approvals_pending_hire on approvals (agent_id) where status = 'pending';

-- Memory: the run an entry was written in, and the agent that owns a task scope (the task
-- itself lives in tasks-service, so whoever works it is named here).
alter table memory_entries add column run_id uuid;
alter table memory_scopes add column owner_agent_id uuid;
alter table memory_scopes add foreign key (company_id, owner_agent_id) references agents (company_id, id);
alter table memory_scopes add check (owner_agent_id is null or kind = 'task');

-- Integrations with outside systems: settings, a status, and the opaque sync cursor that a
-- sync moves forward only from the version it read (If-Match).
create table integrations (
    id                   uuid        primary key,
    company_id           uuid        not null references companies (id),
    kind                 text        not null,
    config               jsonb       not null default '{}' check (jsonb_typeof(config) = 'object'),
    status               text        not null default 'active' check (status in ('active', 'paused', 'error')),
    state                jsonb       check (state is null or jsonb_typeof(state) = 'object'),
    credential_secret_id uuid,
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now(),
    version              bigint      not null default 0
);
create index integrations_company on integrations (company_id, id);

-- Products: what the company ships, built by several teams, each in its own project.
create table products (
    id          uuid        primary key,
    company_id  uuid        not null references companies (id),
    name        text        not null,
    description text,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    version     bigint      not null default 0,
    unique (company_id, id)
);
create unique index products_name on products (company_id, lower(name));

-- The product's per-team project map: one project per team and product, all of one company.
create table product_projects (
    id         uuid primary key,
    company_id uuid not null,
    product_id uuid not null,
    team_id    uuid not null,
    project_id uuid not null,
    unique (product_id, team_id),
    foreign key (company_id, product_id) references products (company_id, id),
    foreign key (company_id, team_id) references teams (company_id, id),
    foreign key (company_id, project_id) references projects (company_id, id)
);
create index product_projects_team on product_projects (team_id);
create index product_projects_project on product_projects (project_id);
