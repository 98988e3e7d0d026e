-- The org: teams and agents. Every reference stays inside one company (composite keys).

create table teams (
    id            uuid        primary key,
    company_id    uuid        not null references companies (id),
    name          text        not null,
    description   text,
    lead_agent_id uuid,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    version       bigint      not null default 0,
    unique (company_id, id)
);
create unique index teams_name on teams (company_id, lower(name));

create table agents (
    id                         uuid        primary key,
    company_id                 uuid        not null references companies (id),
    name                       text        not null,
    team_id                    uuid,
    role                       text        not null,
    title                      text,
    reports_to                 uuid,
    status                     text        not null default 'active'
                                           check (status in ('active', 'idle', 'paused', 'terminated')),
    pause_reason               text,
    adapter_type               text        not null,
    adapter_config             jsonb       not null default '{}' check (jsonb_typeof(adapter_config) = 'object'),
    capabilities               text[]      not null default '{}',
    heartbeat_interval_seconds integer     not null default 60 check (heartbeat_interval_seconds between 5 and 86400),
    created_at                 timestamptz not null default now(),
    updated_at                 timestamptz not null default now(),
    version                    bigint      not null default 0,
    unique (company_id, id),
    foreign key (company_id, team_id) references teams (company_id, id),
    foreign key (company_id, reports_to) references agents (company_id, id),
    check (reports_to is null or reports_to <> id),
    -- a paused agent always says why; nobody else carries a reason
    check ((status = 'paused') = (pause_reason is not null))
);
create index agents_team on agents (team_id) where team_id is not null;
create index agents_reports_to on agents (reports_to) where reports_to is not null;

alter table teams add foreign key (company_id, lead_agent_id) references agents (company_id, id);

-- Which hard-stop budget scopes hold an agent paused: a budget-paused agent resumes when the
-- last budget holding it recovers, and only then.
create table budget_holds (
    agent_id   uuid        not null references agents (id),
    scope_type text        not null check (scope_type in ('company', 'team', 'agent')),
    scope_id   uuid        not null,
    created_at timestamptz not null default now(),
    primary key (agent_id, scope_type, scope_id)
);
create index budget_holds_scope on budget_holds (scope_type, scope_id);
