-- Memory: named scopes and their entries, searchable by full text (always) and by embedding
-- (only where pgvector is installed; the embedding is stored either way).
do $$
begin
    if exists (select 1 from pg_available_extensions where name = 'vector') then
        create extension if not exists vector;
    end if;
exception when insufficient_privilege then
    raise notice 'pgvector is available but this role may not install it';
end
$$;

create table memory_scopes (
    id         uuid        primary key,
    company_id uuid        not null references companies (id),
    name       text        not null,
    kind       text        not null check (kind in ('company', 'team', 'agent', 'project', 'task')),
    owner_id   uuid,
    created_at timestamptz not null default now(),
    unique (company_id, id)
);
create unique index memory_scopes_name on memory_scopes (company_id, lower(name));

create table memory_entries (
    id              uuid        primary key,
    company_id      uuid        not null,
    scope_id        uuid        not null,
    content         text        not null,
    tags            text[]      not null default '{}',
    metadata        jsonb       not null default '{}' check (jsonb_typeof(metadata) = 'object'),
    embedding       real[],
    created_by_type text        not null,
    created_by      text        not null,
    created_at      timestamptz not null default now(),
    search          tsvector    generated always as (to_tsvector('english', content)) stored,
    foreign key (company_id, scope_id) references memory_scopes (company_id, id)
);
create index memory_entries_scope on memory_entries (scope_id, id);
create index memory_entries_search on memory_entries using gin (search);
create index memory_entries_tags on memory_entries using gin (tags);

-- Journals: what an agent reflects, decides, learns, struggles with. Append-only.
create table journal_entries (
    id              uuid        primary key,
    company_id      uuid        not null,
    agent_id        uuid        not null,
    kind            text        not null check (kind in ('reflection', 'decision', 'learning', 'struggle', 'note')),
    body            text        not null,
    task_id         uuid,
    created_by_type text        not null,
    created_by      text        not null,
    created_at      timestamptz not null default now(),
    foreign key (company_id, agent_id) references agents (company_id, id)
);
create index journal_entries_agent on journal_entries (agent_id, id);

-- Notifications to agents; acks are kept per recipient (agent id → time).
create table notifications (
    id              uuid        primary key,
    company_id      uuid        not null references companies (id),
    kind            text        not null,
    recipients      uuid[]      not null check (cardinality(recipients) between 1 and 100),
    title           text        not null,
    body            text,
    requires_ack    boolean     not null default false,
    acks            jsonb       not null default '{}',
    created_by_type text        not null,
    created_by      text        not null,
    created_at      timestamptz not null default now(),
    version         bigint      not null default 0
);
create index notifications_company on notifications (company_id, id);
create index notifications_recipients on notifications using gin (recipients);

-- Approvals the board decides: pending until approved or rejected, then final.
create table approvals (
    id                uuid        primary key,
    company_id        uuid        not null references companies (id),
    kind              text        not null check (kind in ('hire_agent', 'budget_override', 'strategy', 'generic')),
    payload           jsonb       not null default '{}' check (jsonb_typeof(payload) = 'object'),
    status            text        not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
    requested_by_type text        not null,
    requested_by      text        not null,
    decided_by        text,
    decided_at        timestamptz,
    decision_note     text,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),
    version           bigint      not null default 0,
    check ((status = 'pending') = (decided_at is null))
);
create index approvals_company on approvals (company_id, id);
