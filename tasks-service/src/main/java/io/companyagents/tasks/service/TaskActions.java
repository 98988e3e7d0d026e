package io.companyagents.tasks.service;

import io.companyagents.platform.events.DomainEvent;
import io.companyagents.platform.identity.ActorType;
import io.companyagents.platform.identity.Caller;
import io.companyagents.platform.outbox.Outbox;
import io.companyagents.platform.problem.ApiException;
import io.companyagents.platform.sql.PipelinedTx;
import io.companyagents.tasks.domain.Actor;
import io.companyagents.tasks.domain.AgentState;
import io.companyagents.tasks.domain.Lifecycle;
import io.companyagents.tasks.domain.Task;
import io.companyagents.tasks.domain.TaskAction;
import io.companyagents.tasks.domain.TaskStatus;
import io.companyagents.tasks.domain.Transition;
import io.companyagents.tasks.repository.TaskRepository;
import io.companyagents.tasks.rest.TaskApi.ActionRequest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Lifecycle actions through {@code POST …/tasks/{taskId}/actions/{action}}. */
@ApplicationScoped
public class TaskActions {

    /** Actions whose only actor is the lease holder: they need the fencing token. */
    private static final Set<TaskAction> HOLDER_ONLY = EnumSet.of(TaskAction.start, TaskAction.submit,
            TaskAction.submit_for_pm, TaskAction.complete);
    private static final Set<TaskAction> NEED_CHILDREN_DONE = EnumSet.of(TaskAction.complete, TaskAction.approve,
            TaskAction.ceo_approve);

    @Inject
    Pool pool;

    @Inject
    TaskRepository tasks;

    @Inject
    TaskTransitions transitions;

    @Inject
    Outbox outbox;

    @Inject
    HolderStarts starts;

    public Uni<Task> act(UUID companyId, UUID taskId, String actionName, ActionRequest request, Caller caller) {
        TaskAction action = parse(actionName);
        if (action == TaskAction.claim) {
            throw ApiException.badRequest("use_claim_endpoint", "claim with POST …/tasks/{taskId}/claim (it issues a lease and a run)");
        }
        ActionRequest body = request == null ? new ActionRequest(null, null, null, null, null) : request;
        ActorType type = caller.actorType();
        String role = caller.role();
        String actorId = caller.actorId();
        UUID agentId = type == ActorType.agent ? UUID.fromString(actorId) : null;
        // BEGIN travels with the locking read, COMMIT with the events' insert
        Uni<Task> full = Uni.createFrom().deferred(() -> PipelinedTx.run(pool, tx -> tasks.getForUpdateWithAgent(tx, companyId, taskId, agentId)
                .chain(locked -> decide(tx, locked.task(), action, body, type, role, agentId, locked.agent(), actorId))));
        if (action == TaskAction.start && agentId != null && body.leaseEpoch() != null) {
            return starts.start(new HolderStarts.Start(companyId, taskId, agentId, body.leaseEpoch(), body.prNumber(),
                            body.prUrl(), body.branchName(), body.reason()))
                    .chain(started -> started != null ? Uni.createFrom().item(started) : full);
        }
        return full;
    }

    private Uni<PipelinedTx.Ending<Task>> decide(SqlConnection tx, Task task, TaskAction action, ActionRequest body, ActorType type, String role,
                             UUID agentId, AgentState agent, String actorId) {
        Set<Actor> actors = Actors.of(type, role, agentId, agent, task, body.leaseEpoch());
        var transition = Lifecycle.find(task.status(), action, task.reviewPolicy(), actors);
        if (transition.isEmpty()) {
            throw refusal(task, action, body, actors, agentId);
        }
        Transition tr = transition.get();
        if (action == TaskAction.block && (body.reason() == null || body.reason().isBlank())) {
            throw ApiException.validation("reason", "a reason is required to block a task");
        }
        if (action == TaskAction.request_pr_review && body.prNumber() == null && body.prUrl() == null
                && task.prNumber() == null && task.prUrl() == null) {
            throw ApiException.validation("prNumber", "a change request (prNumber or prUrl) is required");
        }
        Uni<Void> guard = NEED_CHILDREN_DONE.contains(action) ? requireChildrenTerminal(tx, task) : Uni.createFrom().voidItem();
        List<DomainEvent> events = new ArrayList<>();
        TaskTransitions.Context ctx = new TaskTransitions.Context(type.name(), actorId, body.reason(), body.prNumber(),
                body.prUrl(), body.branchName());
        return guard.chain(() -> transitions.apply(tx, task, tr, ctx, events))
                .map(updated -> new PipelinedTx.Ending<>(updated, outbox.appendAll(tx, events)));
    }

    /** How many of the locked task {@code t}'s children are not terminal, as a column of the statement that locks it. */
    static final String OPEN_CHILDREN_SQL = "(select count(*) from tasks c where c.parent_task_id = t.id"
            + " and c.status not in ('completed', 'cancelled'))";

    Uni<Void> requireChildrenTerminal(SqlConnection tx, Task task) {
        return tx.preparedQuery("select " + OPEN_CHILDREN_SQL + " from tasks t where t.id = $1")
                .execute(Tuple.of(task.id()))
                .map(rows -> {
                    requireChildrenTerminal(rows.iterator().next().getLong(0));
                    return null;
                });
    }

    static void requireChildrenTerminal(long open) {
        if (open > 0) {
            throw ApiException.conflict("children_not_terminal", open + " child task(s) are not completed or cancelled yet");
        }
    }

    /** Why the action was refused: a stale fencing token, or not allowed now / not for this caller. */
    static ApiException refusal(Task task, TaskAction action, ActionRequest body, Set<Actor> actors, UUID agentId) {
        boolean holderAction = HOLDER_ONLY.contains(action) || (Lifecycle.existsFrom(task.status(), action, task.reviewPolicy())
                && Lifecycle.TABLE.stream().anyMatch(t -> t.action() == action && t.by().contains(Actor.holder)));
        if (holderAction && agentId != null && !actors.contains(Actor.holder)) {
            if (body.leaseEpoch() == null && task.heldBy(agentId)) {
                return ApiException.validation("leaseEpoch", "required for actions of the lease holder");
            }
            if (body.leaseEpoch() != null && Lifecycle.existsFrom(task.status(), action, task.reviewPolicy())) {
                return leaseLost(task);
            }
        }
        return illegal(task, action, actors);
    }

    static ApiException leaseLost(Task task) {
        return new ApiException(409, "lease_lost", "Conflict",
                "the lease on " + task.identifier() + " expired or was superseded; this write was not applied",
                List.of(), Map.of("currentLeaseEpoch", task.leaseEpoch()));
    }

    static ApiException illegal(Task task, TaskAction action, Set<Actor> actors) {
        List<String> allowed = Lifecycle.allowed(task.status(), task.reviewPolicy(), actors).stream().map(Enum::name).toList();
        return new ApiException(409, "illegal_transition", "Conflict",
                "'" + action + "' is not allowed from " + task.status() + " for this caller",
                List.of(), Map.of("status", task.status().name(), "allowedActions", allowed));
    }

    private static TaskAction parse(String name) {
        try {
            return TaskAction.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("action '" + name + "'");
        }
    }

}
