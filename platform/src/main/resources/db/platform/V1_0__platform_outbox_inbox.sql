-- Shared by every service, created in the service's own schema (Flyway's default schema).

-- Transactional outbox: rows are written with the change they describe; the relay publishes
-- them in id order and marks them sent.
create table outbox (
    id          bigserial primary key,
    event_id    uuid        not null unique,
    topic       text        not null,
    company_id  uuid        not null,
    event_type  text        not null,
    payload     text        not null,
    created_at  timestamptz not null default now(),
    sent_at     timestamptz
);
create index outbox_unsent on outbox (id) where sent_at is null;
alter table outbox set (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000);

-- No NOTIFY trigger here on purpose: a notifying transaction holds a global lock through its
-- commit, serialising every writer. The relay is woken in-process (OutboxSignal) instead.

-- Idempotent-consumer inbox: one row per (consumer, event) applied.
create table inbox (
    consumer    text        not null,
    event_id    uuid        not null,
    received_at timestamptz not null default now(),
    primary key (consumer, event_id)
);

-- Idempotency-Key: the first response to a (company, key) is stored with the effect it
-- describes, in the same transaction, and replayed for a retry with the same body.
create table idempotency_keys (
    company_id      uuid        not null,
    idem_key        text        not null,
    request_hash    text        not null,
    response_status int,
    response_body   text,
    created_at      timestamptz not null default now(),
    primary key (company_id, idem_key)
);
create index idempotency_keys_age on idempotency_keys (created_at);
