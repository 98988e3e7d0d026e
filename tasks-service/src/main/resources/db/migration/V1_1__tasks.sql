-- Projections of what other services own (learned from ca.agents.v1 and ca.ledger.v1).
create table companies (
    company_id            uuid primary key,
    prefix                text not null,
    default_review_policy text not null default 'pm',
    next_number           bigint not null default 1
);

create table agents (
    agent_id    uuid primary key,
    company_id  uuid        not null,
    team_id     uuid,
    role        text,
    status      text        not null,
    over_budget boolean     not null default false,
    version     bigint      not null default 0,
    updated_at  timestamptz not null default now()
);
create index agents_by_team on agents (company_id, team_id);

-- Budget scopes currently over a hard-stop limit (from budget.exceeded / budget.recovered).
create table budget_stops (
    company_id uuid not null,
    scope_type text not null,
    scope_id   uuid not null,
    primary key (company_id, scope_type, scope_id)
);

create table tasks (
    id                  uuid primary key,
    company_id          uuid        not null,
    number              bigint      not null,
    identifier          text        not null,
    title               text        not null,
    description         text,
    acceptance_criteria jsonb       not null default '[]',
    status              text        not null,
    remembered_status   text,
    blocked_reason      text,
    pause_reason        text,
    priority            smallint    not null default 2 check (priority between 0 and 3),
    parent_task_id      uuid references tasks (id),
    project_id          uuid,
    product_id          uuid,
    team_id             uuid,
    assignee_agent_id   uuid,
    review_policy       text        not null,
    labels              text[]      not null default '{}',
    unmet_dependencies  int         not null default 0,
    attempts            int         not null default 0,
    max_attempts        int         not null default 3,
    ever_claimed        boolean     not null default false,
    worker_agent_id     uuid,
    -- the live lease, if any (fencing token: lease_epoch, strictly increasing per task)
    lease_epoch         bigint      not null default 0,
    lease_id            uuid,
    lease_agent_id      uuid,
    lease_kind          text,
    lease_seconds       int,
    lease_expires_at    timestamptz,
    run_id              uuid,
    branch_name         text,
    pr_number           int,
    pr_url              text,
    created_by          text,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    version             bigint      not null default 0,
    unique (company_id, number),
    check (project_id is null or product_id is null)
);
create index tasks_list on tasks (company_id, id);
create index tasks_children on tasks (parent_task_id) where parent_task_id is not null;
create index tasks_lease on tasks (lease_id) where lease_id is not null;
create index tasks_lease_expiry on tasks (lease_expires_at) where lease_expires_at is not null;
-- the ready set a claim searches: claimable, nothing unmet, best priority then oldest
create index tasks_ready on tasks (company_id, priority, id)
    where status in ('pending', 'needs_revision') and unmet_dependencies = 0;
alter table tasks set (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02,
    fillfactor = 80);

create table task_dependencies (
    company_id         uuid not null,
    task_id            uuid not null references tasks (id),
    depends_on_task_id uuid not null references tasks (id),
    created_at         timestamptz not null default now(),
    primary key (task_id, depends_on_task_id),
    check (task_id <> depends_on_task_id)
);
create index task_dependencies_reverse on task_dependencies (depends_on_task_id);

create table task_comments (
    id          uuid primary key,
    company_id  uuid        not null,
    task_id     uuid        not null references tasks (id),
    author_type text        not null,
    author_id   text        not null,
    body        text        not null,
    created_at  timestamptz not null default now()
);
create index task_comments_by_task on task_comments (task_id, id);

create table leases (
    id          uuid primary key,
    company_id  uuid        not null,
    task_id     uuid        not null references tasks (id),
    agent_id    uuid        not null,
    run_id      uuid        not null,
    lease_epoch bigint      not null,
    kind        text        not null,
    granted_at  timestamptz not null default now(),
    ended_at    timestamptz,
    end_reason  text
);
create index leases_by_task on leases (task_id);

create table runs (
    id             uuid primary key,
    company_id     uuid        not null,
    task_id        uuid        not null references tasks (id),
    agent_id       uuid        not null,
    lease_id       uuid        not null,
    lease_epoch    bigint      not null,
    kind           text        not null default 'work',
    status         text        not null default 'running',
    started_at     timestamptz not null default now(),
    finished_at    timestamptz,
    branch_name    text,
    base_branch    text,
    target_branch  text,
    commits        jsonb       not null default '[]',
    files_modified jsonb       not null default '[]',
    pr_number      int,
    pr_url         text,
    merge_outcome  text,
    summary        text,
    usage          jsonb,
    next_seq       bigint      not null default 1
);
create index runs_by_company on runs (company_id, id);
create index runs_by_task on runs (task_id);

create table run_events (
    run_id     uuid        not null references runs (id),
    seq        bigint      not null,
    company_id uuid        not null,
    kind       text        not null,
    level      text        not null default 'info',
    message    text,
    data       jsonb,
    created_at timestamptz not null default now(),
    primary key (run_id, seq)
);
