-- ca.audit.v1 is published straight from audit_events: how far each company's chain has been
-- published (its events up to published_seq were acknowledged by the broker). The appender
-- no longer copies each event into the outbox, so an event is written once, not twice.
create table audit_stream (
    company_id    uuid primary key,
    published_seq bigint not null
);
-- Everything appended before this version was queued in the outbox, which still relays it.
insert into audit_stream (company_id, published_seq) select company_id, seq from audit_heads;
grant select, insert, update on audit_stream to ca_audit_writer;
