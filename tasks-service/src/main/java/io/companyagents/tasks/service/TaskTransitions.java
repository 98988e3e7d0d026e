package io.companyagents.tasks.service;

import io.companyagents.platform.events.DomainEvent;
import io.companyagents.platform.events.EventPayloads;
import io.companyagents.platform.events.EventType;
import io.companyagents.platform.problem.ApiException;
import io.companyagents.tasks.domain.Task;
import io.companyagents.tasks.domain.TaskAction;
import io.companyagents.tasks.domain.TaskStatus;
import io.companyagents.tasks.domain.Transition;
import io.companyagents.tasks.repository.TaskRows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Applies one transition of the lifecycle table to a task: the single conditional UPDATE
 * (status and fencing token in the WHERE clause, so a racing writer cannot also win), the
 * lease and run it ends, and what follows from it — dependents released on completion,
 * descendants cancelled with their parent. Events are collected for the caller's outbox write.
 */
@ApplicationScoped
public class TaskTransitions {

    /** States in which the task keeps its lease (frozen while paused or blocked). */
    private static final Set<TaskStatus> KEEPS_LEASE = EnumSet.of(TaskStatus.claimed, TaskStatus.in_progress,
            TaskStatus.paused, TaskStatus.blocked);

    /**
     * A child of task {@code t} that is not terminal. Checked by the completing UPDATE itself, whose
     * snapshot is taken after the task's lock was granted: a child created while the lock was awaited
     * (its creator holds the parent {@code for share}) is seen here, though not by the locking read.
     */
    private static final String OPEN_CHILD_SQL = "select 1 from tasks c where c.parent_task_id = t.id"
            + " and c.status not in ('completed', 'cancelled')";

    /** Who acts and with what extras. */
    public record Context(String actorType, String actorId, String reason, Integer prNumber, String prUrl,
                          String branchName) {
        public static Context system(String reason) {
            return new Context("system", "tasks-service", reason, null, null, null);
        }
    }

    /** Thrown when the conditional UPDATE found the task no longer as read: someone else won. */
    public static class LostRace extends RuntimeException {
        public LostRace() {
            super(null, null, false, false);
        }
    }

    public Uni<Task> apply(SqlClient tx, Task task, Transition transition, Context ctx, List<DomainEvent> events) {
        TaskStatus to = transition.targetFrom(task.status(), task.rememberedStatus());
        TaskAction action = transition.action();
        boolean keepLease = task.leaseId() != null && KEEPS_LEASE.contains(to) && action != TaskAction.release;
        boolean refreshExpiry = keepLease && (action == TaskAction.resume || action == TaskAction.unblock);
        TaskStatus remembered = switch (action) {
            case block -> task.status();
            case unblock -> null;
            default -> task.rememberedStatus();
        };
        String blockedReason = action == TaskAction.block ? ctx.reason() : action == TaskAction.unblock ? null : task.blockedReason();
        String pauseReason = action == TaskAction.pause ? (ctx.reason() == null ? "manual" : ctx.reason())
                : action == TaskAction.resume ? null : task.pauseReason();
        boolean endsLease = task.leaseId() != null && !keepLease;
        String runStatus = action == TaskAction.cancel || action == TaskAction.release ? "cancelled" : "succeeded";
        Tuple params = Tuple.tuple()
                .addUUID(task.id()).addUUID(task.companyId()).addString(to.name())
                .addString(remembered == null ? null : remembered.name()).addString(blockedReason).addString(pauseReason)
                .addBoolean(keepLease).addBoolean(refreshExpiry)
                .addInteger(ctx.prNumber()).addString(ctx.prUrl()).addString(ctx.branchName())
                .addString(task.status().name()).addLong(task.leaseEpoch());
        String update = "update tasks t set status = $3, remembered_status = $4, blocked_reason = $5, pause_reason = $6,"
                + " lease_id = case when $7 then lease_id end, lease_agent_id = case when $7 then lease_agent_id end,"
                + " lease_kind = case when $7 then lease_kind end, lease_seconds = case when $7 then lease_seconds end,"
                + " run_id = case when $7 then run_id end,"
                + " lease_expires_at = case when not $7 then null when $8 then now() + make_interval(secs => lease_seconds)"
                + "   else lease_expires_at end,"
                + " pr_number = coalesce($9, pr_number), pr_url = coalesce($10, pr_url), branch_name = coalesce($11, branch_name),"
                + " version = version + 1, updated_at = now()"
                + " where id = $1 and company_id = $2 and status = $12 and lease_epoch = $13"
                + (to == TaskStatus.completed ? " and not exists (" + OPEN_CHILD_SQL + ")" : "")
                + " returning " + TaskRows.COLUMNS
                + ", exists (select 1 from task_dependencies d where d.depends_on_task_id = t.id) as has_dependents";
        if (endsLease) {
            // the lease, and the run if still running, end in the same statement, only if the task's update was applied
            update = "with u as (" + update + "),"
                    + " l as (update leases set ended_at = now(), end_reason = $14 where id = $15 and ended_at is null"
                    + "   and exists (select 1 from u)),"
                    + " r as (update runs set status = $16, finished_at = now() where id = $17 and status = 'running'"
                    + "   and exists (select 1 from u) returning id)"
                    + " select u.*, exists (select 1 from r) as run_ended from u";
            params.addString(action.name()).addUUID(task.leaseId()).addString(runStatus).addUUID(task.runId());
        }
        return tx.preparedQuery(update)
                .execute(params)
                .chain(rows -> {
                    if (rows.size() == 0) {
                        // the task is locked by this transaction, so only the children guard can have refused it
                        return Uni.createFrom().failure(to == TaskStatus.completed
                                ? ApiException.conflict("children_not_terminal", "a child task of " + task.identifier()
                                + " is not completed or cancelled yet")
                                : new LostRace());
                    }
                    Row row = rows.iterator().next();
                    Task updated = TaskRows.map(row);
                    boolean hasDependents = row.getBoolean("has_dependents");
                    events.add(statusChanged(task, updated, action.name(), ctx));
                    if (endsLease) {
                        leaseEnded(task, runStatus, row.getBoolean("run_ended"), ctx, events);
                    }
                    return (to == TaskStatus.completed && hasDependents ? releaseDependents(tx, updated, events)
                            : Uni.createFrom().voidItem())
                            .chain(() -> action == TaskAction.cancel ? cancelDescendants(tx, updated, ctx, events) : Uni.createFrom().voidItem())
                            .replaceWith(updated);
                });
    }

    /** Ends the task's live lease and, if still running, its run. */
    Uni<Void> endLease(SqlClient tx, Task task, String runStatus, String reason, Context ctx, List<DomainEvent> events) {
        return tx.preparedQuery("with l as (update leases set ended_at = now(), end_reason = $2 where id = $1 and ended_at is null)"
                        + " update runs set status = $4, finished_at = now() where id = $3 and status = 'running' returning id")
                .execute(Tuple.of(task.leaseId(), reason, task.runId(), runStatus))
                .invoke(rows -> leaseEnded(task, runStatus, rows.size() > 0, ctx, events))
                .replaceWithVoid();
    }

    /** lease.released, and run.finished if ending the lease ended its run. */
    private static void leaseEnded(Task task, String runStatus, boolean runEnded, Context ctx, List<DomainEvent> events) {
        events.add(new DomainEvent(EventType.LEASE_RELEASED, task.companyId(), ctx.actorType(), ctx.actorId(), "lease",
                task.leaseId().toString(), new EventPayloads.LeaseChanged(task.leaseId(), task.id(), task.leaseAgentId(),
                task.runId(), task.leaseEpoch(), task.leaseKind(), task.leaseExpiresAt())));
        if (runEnded) {
            events.add(new DomainEvent(EventType.RUN_FINISHED, task.companyId(), ctx.actorType(), ctx.actorId(),
                    "run", task.runId().toString(), new EventPayloads.RunFinished(task.runId(), task.id(),
                    task.leaseAgentId(), task.projectId(), task.teamId(), runStatus, null, null)));
        }
    }

    /** A completed task counts down its dependents; those left waiting only on it become claimable or unblocked. */
    private Uni<Void> releaseDependents(SqlClient tx, Task completed, List<DomainEvent> events) {
        return tx.preparedQuery("update tasks t set unmet_dependencies = unmet_dependencies - 1, version = version + 1,"
                        + " updated_at = now()"
                        + " where id in (select task_id from task_dependencies where depends_on_task_id = $1)"
                        + " returning " + TaskRows.COLUMNS)
                .execute(Tuple.of(completed.id()))
                .chain(rows -> {
                    List<Task> unblock = new ArrayList<>();
                    for (Row row : rows) {
                        Task t = TaskRows.map(row);
                        if (t.unmetDependencies() == 0 && t.status() == TaskStatus.blocked && "dependencies".equals(t.blockedReason())) {
                            unblock.add(t);
                        }
                    }
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Task t : unblock) {
                        Transition tr = io.companyagents.tasks.domain.Lifecycle.find(t.status(), TaskAction.unblock,
                                t.reviewPolicy(), EnumSet.of(io.companyagents.tasks.domain.Actor.system)).orElseThrow();
                        chain = chain.chain(() -> apply(tx, t, tr, Context.system("dependencies completed"), events).replaceWithVoid());
                    }
                    return chain;
                });
    }

    /** Cancelling a task cancels every non-terminal descendant and ends their leases. */
    private Uni<Void> cancelDescendants(SqlClient tx, Task parent, Context ctx, List<DomainEvent> events) {
        return tx.preparedQuery("with recursive d as (select id from tasks where parent_task_id = $1"
                        + " union all select c.id from tasks c join d on c.parent_task_id = d.id)"
                        + " select " + TaskRows.COLUMNS + " from tasks t where t.id in (select id from d)"
                        + " and t.status not in ('completed', 'cancelled') order by t.id for update")
                .execute(Tuple.of(parent.id()))
                .chain(rows -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Row row : rows) {
                        Task child = TaskRows.map(row);
                        Transition cancel = io.companyagents.tasks.domain.Lifecycle.find(child.status(), TaskAction.cancel,
                                child.reviewPolicy(), EnumSet.of(io.companyagents.tasks.domain.Actor.manager)).orElseThrow();
                        chain = chain.chain(() -> applyNoCascade(tx, child, cancel, ctx, events));
                    }
                    return chain;
                });
    }

    private Uni<Void> applyNoCascade(SqlClient tx, Task child, Transition cancel, Context ctx, List<DomainEvent> events) {
        // descendants were all selected above, so each is cancelled once; its own children are in the same set
        return tx.preparedQuery("update tasks t set status = 'cancelled', lease_id = null, lease_agent_id = null,"
                        + " lease_kind = null, lease_seconds = null, lease_expires_at = null, run_id = null,"
                        + " version = version + 1, updated_at = now() where id = $1 and status = $2 returning " + TaskRows.COLUMNS)
                .execute(Tuple.of(child.id(), child.status().name()))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().voidItem();
                    }
                    Task updated = TaskRows.map(rows.iterator().next());
                    events.add(statusChanged(child, updated, cancel.action().name(), ctx));
                    return child.leaseId() != null ? endLease(tx, child, "cancelled", "cancel", ctx, events) : Uni.createFrom().voidItem();
                });
    }

    public static DomainEvent statusChanged(Task before, Task after, String action, Context ctx) {
        return statusChanged(before.status(), after, action, ctx);
    }

    public static DomainEvent statusChanged(TaskStatus before, Task after, String action, Context ctx) {
        return new DomainEvent(EventType.TASK_STATUS_CHANGED, after.companyId(), ctx.actorType(), ctx.actorId(), "task",
                after.id().toString(), new EventPayloads.TaskStatusChanged(after.id(), after.identifier(),
                before.name(), after.status().name(), action, ctx.reason(), after.leaseEpoch(), after.attempts(),
                after.version()));
    }

}
