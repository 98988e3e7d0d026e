-- The cost ledger. Money is integer micro-dollars (1 USD = 1,000,000) everywhere.

-- Providers and their model prices are seed data: only migrations insert or change them
-- (V1_2 seeds, later versions add models). Prices are micro-dollars per million tokens.
create table providers (
    id         text primary key,
    name       text    not null,
    enabled    boolean not null,
    sort_order int     not null
);

create table model_prices (
    provider_id                     text   not null references providers (id),
    model                           text   not null,
    input_micros_per_million        bigint not null check (input_micros_per_million >= 0),
    output_micros_per_million       bigint not null check (output_micros_per_million >= 0),
    cached_input_micros_per_million bigint not null check (cached_input_micros_per_million >= 0),
    primary key (provider_id, model)
);

-- Projection of agents-service's agents (ca.agents.v1): the team an entry is attributed to.
create table agents (
    agent_id   uuid primary key,
    company_id uuid        not null,
    team_id    uuid,
    version    bigint      not null default 0,
    updated_at timestamptz not null default now()
);

-- One row per model call (or run) that cost money. Append-only. An entry made from a
-- run.finished event takes that event's id as its own, so a redelivery cannot add a second.
create table cost_entries (
    id                  uuid primary key,
    company_id          uuid        not null,
    agent_id            uuid        not null,
    team_id             uuid,
    task_id             uuid,
    run_id              uuid,
    project_id          uuid,
    provider            text        not null,
    model               text        not null,
    input_tokens        bigint      not null check (input_tokens >= 0),
    output_tokens       bigint      not null check (output_tokens >= 0),
    cached_input_tokens bigint      not null default 0 check (cached_input_tokens >= 0),
    cost_micros         bigint      not null check (cost_micros >= 0),
    -- reported: the caller gave costMicros; price_table: computed; unpriced: a run's usage for a
    -- model without a price (recorded at 0 so the tokens are not lost)
    cost_source         text        not null check (cost_source in ('reported', 'price_table', 'unpriced')),
    source              text        not null check (source in ('api', 'run_finished')),
    occurred_at         timestamptz not null,
    recorded_at         timestamptz not null default now(),
    recorded_by         text        not null
);
create index cost_entries_list on cost_entries (company_id, id);
create index cost_entries_by_time on cost_entries (company_id, occurred_at);
create index cost_entries_by_agent on cost_entries (company_id, agent_id, occurred_at);
create index cost_entries_by_team on cost_entries (company_id, team_id, occurred_at) where team_id is not null;
create index cost_entries_by_project on cost_entries (company_id, project_id, occurred_at) where project_id is not null;
create index cost_entries_by_task on cost_entries (company_id, task_id) where task_id is not null;

-- A spending limit on a scope. spent_micros is the roll-up of the entries in the current
-- window, kept in the same transaction as each entry under this row's lock; state and warned
-- describe the current window (warned: budget.warning already sent in it).
create table budgets (
    id           uuid primary key,
    company_id   uuid        not null,
    scope_type   text        not null check (scope_type in ('company', 'team', 'agent', 'project')),
    scope_id     uuid        not null,
    limit_micros bigint      not null check (limit_micros >= 0),
    window_kind  text        not null check (window_kind in ('month', 'lifetime')),
    warn_percent int         not null check (warn_percent between 1 and 100),
    hard_stop    boolean     not null,
    window_start timestamptz,
    spent_micros bigint      not null default 0,
    state        text        not null default 'ok' check (state in ('ok', 'warning', 'exceeded')),
    warned       boolean     not null default false,
    version      bigint      not null default 1,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    unique (company_id, scope_type, scope_id),
    check ((window_kind = 'month') = (window_start is not null))
);
-- the window roller's search: monthly budgets whose window has passed
create index budgets_month_windows on budgets (window_start) where window_kind = 'month';

-- A budget's limit reached: opened with budget.exceeded, resolved with budget.recovered.
create table budget_incidents (
    id           uuid primary key,
    company_id   uuid        not null,
    budget_id    uuid        not null,
    scope_type   text        not null,
    scope_id     uuid        not null,
    window_kind  text        not null,
    window_start timestamptz,
    limit_micros bigint      not null,
    spent_micros bigint      not null,
    hard_stop    boolean     not null,
    opened_at    timestamptz not null,
    resolved_at  timestamptz,
    resolution   text check (resolution in ('limit_raised', 'new_window', 'hard_stop_lifted', 'budget_deleted'))
);
-- at most one open incident per budget, whatever races the service's own locking missed
create unique index budget_incidents_one_open on budget_incidents (budget_id) where resolved_at is null;
create index budget_incidents_list on budget_incidents (company_id, id);
