-- How every service's outbox (V1_0) is stored. Repeatable: Flyway applies it after the versioned
-- migrations, and again whenever this file changes, in each service's schema.

-- An outbox row that holds a transaction's events (OutboxGroup) is often several kilobytes. At
-- Postgres's default (toast a row over ~2 kB) each such row was compressed and then moved out of
-- line in chunks, so every change paid a compression, inserts into the TOAST table and its index,
-- and, once relayed, their deletion — for a row that lives a fraction of a second. Toasted only
-- past the largest inline row now: up to that it is stored as written, and a larger one is
-- compressed first and moved out only if it still does not fit.
alter table outbox set (toast_tuple_target = 8160);
