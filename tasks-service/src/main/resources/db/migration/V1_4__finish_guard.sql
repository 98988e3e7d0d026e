-- The holder's one-statement finish (HolderFinishes) checks, before it locks a task it would complete,
-- that no child is open and nothing depends on it: in the statement's snapshot, which is taken before
-- the lock is granted. A child or a dependency added by a transaction that held the task while the
-- finish waited (creators lock it FOR SHARE) is not in that snapshot. This function looks again after
-- the lock was granted: a VOLATILE function takes a fresh snapshot for each query it runs. Finding one,
-- it raises, the whole statement is undone, and the general path decides (and answers 409).
create function finish_guard(task uuid, completes boolean) returns boolean
    language plpgsql volatile as $$
begin
    if completes and (exists (select 1 from tasks c where c.parent_task_id = task and c.status not in ('completed', 'cancelled'))
                      or exists (select 1 from task_dependencies d where d.depends_on_task_id = task)) then
        raise exception 'finish needs the general path' using errcode = 'P0001';
    end if;
    return true;
end
$$;
