-- Outbox event ids are unique by construction (a new time-ordered UUID per event), and consumers
-- deduplicate by them (their inboxes, the audit trail's own unique index); nothing reads the
-- outbox by event id. The unique index only cost an entry per event written, and its clean-up
-- once the row was relayed, on the hot path of every change.
alter table outbox drop constraint if exists outbox_event_id_key;
