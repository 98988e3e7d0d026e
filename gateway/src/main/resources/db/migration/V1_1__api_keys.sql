-- API keys: only a SHA-256 of the key is stored; the key itself is shown once.
create table api_keys (
    id          uuid primary key,
    kind        text        not null check (kind in ('admin', 'board', 'agent')),
    company_id  uuid,
    agent_id    uuid,
    role        text        not null,
    name        text        not null,
    prefix      text        not null,
    key_hash    text        not null unique,
    created_at  timestamptz not null default now(),
    created_by  text,
    last_used_at timestamptz,
    expires_at  timestamptz,
    revoked_at  timestamptz,
    check (kind = 'admin' or company_id is not null),
    check (kind <> 'agent' or agent_id is not null)
);
create index api_keys_by_company on api_keys (company_id, id);
