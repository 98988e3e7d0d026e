-- The audit trail: append-only, one gap-free seq and one hash chain per company.
create table audit_events (
    company_id   uuid        not null,
    seq          bigint      not null,
    event_id     uuid        not null unique,
    type         text        not null,
    source       text,
    occurred_at  timestamptz not null,
    recorded_at  timestamptz not null default now(),
    actor_type   text,
    actor_id     text,
    subject_type text,
    subject_id   text,
    data         jsonb,
    prev_hash    text        not null,
    hash         text        not null,
    primary key (company_id, seq)
);
create index audit_events_by_type on audit_events (company_id, type, seq);
create index audit_events_by_subject on audit_events (company_id, subject_type, subject_id, seq);

-- The head of each company's chain; appends lock it, which serialises one company's appends.
create table audit_heads (
    company_id uuid primary key,
    seq        bigint not null,
    hash       text   not null
);

-- Second guard behind the runtime role's privileges: rows are never changed or removed.
create function audit_events_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit events are append-only (% refused)', tg_op using errcode = 'insufficient_privilege';
end
$$;
create trigger audit_events_no_update before update or delete on audit_events
    for each row execute function audit_events_append_only();
create trigger audit_events_no_truncate before truncate on audit_events
    for each statement execute function audit_events_append_only();
