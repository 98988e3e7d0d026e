-- The runtime role: the service's connections act as ca_audit_writer (see application.properties),
-- which may append to the trail but never change or remove a row of it. Migrations run as the
-- connecting (owner) role. The trigger of V1_1 stays as a second guard.
do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'ca_audit_writer') then
        create role ca_audit_writer nologin;
    end if;
end
$$;
grant ca_audit_writer to current_user;
grant usage on schema ${flyway:defaultSchema} to ca_audit_writer;
grant select, insert on audit_events to ca_audit_writer;
revoke update, delete, truncate on audit_events from ca_audit_writer;
grant select, insert, update on audit_heads to ca_audit_writer;
grant select, insert on audit_checkpoints to ca_audit_writer;
grant select, insert on inbox to ca_audit_writer;
grant select, insert, update, delete on outbox to ca_audit_writer;
grant select, insert, update on idempotency_keys to ca_audit_writer;
grant usage, select on all sequences in schema ${flyway:defaultSchema} to ca_audit_writer;
