-- Whether a task may be claimed now, stored, and the ready index partial on it alone. With the
-- status in the index's predicate every status change counted as a change of an indexed column,
-- so no update of a task could stay on its page (a heap-only tuple): each wrote a new entry into
-- all of the table's indexes. A holder's start (claimed → in_progress) leaves `ready` false and
-- touches no other indexed column, so it now updates the row in place, in the room the table's
-- fill factor (80) keeps free on each page.
alter table tasks add column ready boolean not null
    generated always as (status in ('pending', 'needs_revision') and unmet_dependencies = 0) stored;
drop index tasks_ready;
create index tasks_ready on tasks (company_id, priority, id) where ready;
