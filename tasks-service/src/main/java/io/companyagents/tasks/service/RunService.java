package io.companyagents.tasks.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.companyagents.platform.events.DomainEvent;
import io.companyagents.platform.events.EventPayloads;
import io.companyagents.platform.events.EventType;
import io.companyagents.platform.identity.ActorType;
import io.companyagents.platform.identity.Caller;
import io.companyagents.platform.outbox.Outbox;
import io.companyagents.platform.paging.Page;
import io.companyagents.platform.paging.PageRequest;
import io.companyagents.platform.paging.Where;
import io.companyagents.platform.problem.ApiException;
import io.companyagents.platform.sql.PipelinedTx;
import io.companyagents.tasks.domain.Actor;
import io.companyagents.tasks.domain.Lifecycle;
import io.companyagents.tasks.domain.Task;
import io.companyagents.tasks.domain.TaskAction;
import io.companyagents.tasks.domain.TaskStatus;
import io.companyagents.tasks.domain.Transition;
import io.companyagents.tasks.repository.TaskRepository;
import io.companyagents.tasks.rest.RunApi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;

/** Runs (work sessions): finishing one, its ordered event log, and reading them. */
@ApplicationScoped
public class RunService {

    static final String RUN_COLUMNS = "id, task_id, agent_id, kind, status, lease_epoch, started_at, finished_at,"
            + " branch_name, base_branch, target_branch, commits::text as commits, files_modified::text as files_modified,"
            + " pr_number, pr_url, merge_outcome, summary, usage::text as usage";

    @Inject
    Pool pool;

    @Inject
    TaskRepository tasks;

    @Inject
    TaskTransitions transitions;

    @Inject
    TaskActions actions;

    @Inject
    Outbox outbox;

    @Inject
    HolderFinishes finishes;

    @Inject
    ObjectMapper mapper;

    public record RunFilter(UUID taskId, UUID agentId, String status) {
    }

    /**
     * Ends the run and its lease and applies the task action its outcome implies, in one
     * durable transaction: a success moves the work on as the review policy says, a failure
     * hands the task back; usage goes to the ledger with {@code run.finished}.
     */
    public Uni<RunApi.RunView> finish(UUID companyId, UUID runId, RunApi.FinishRequest req, Caller caller) {
        ActorType type = caller.actorType();
        String actorId = caller.actorId();
        if (type == ActorType.board) {
            caller.requireWrite();
        }
        if (type == ActorType.agent && HolderFinishes.applies(req)) {
            // the plain case in one statement; anything else changes nothing there and is decided below
            return finishes.finish(new HolderFinishes.Finish(companyId, runId, UUID.fromString(actorId), req))
                    .chain(row -> row != null ? Uni.createFrom().item(view(row)) : finishGeneral(companyId, runId, req, type, actorId));
        }
        return finishGeneral(companyId, runId, req, type, actorId);
    }

    private Uni<RunApi.RunView> finishGeneral(UUID companyId, UUID runId, RunApi.FinishRequest req, ActorType type, String actorId) {
        // BEGIN travels with the locking read, the run's and the task's updates together, COMMIT with the events' insert
        return PipelinedTx.run(pool, tx -> tx.preparedQuery(LOCK_RUN_AND_TASK_SQL).execute(Tuple.of(companyId, runId)).chain(locked -> {
            if (locked.size() == 0) {
                throw ApiException.notFound("run " + runId);
            }
            Row run = locked.iterator().next();
            UUID agentId = run.getUUID("r_agent_id");
            if (type == ActorType.agent && !agentId.toString().equals(actorId)) {
                throw ApiException.notFound("run " + runId);
            }
            if (!"running".equals(run.getString("r_status"))) {
                throw ApiException.conflict("run_finished", "run " + runId + " already ended as " + run.getString("r_status"));
            }
            Task task = io.companyagents.tasks.repository.TaskRows.map(run);
            UUID taskId = task.id();
            if (!runId.equals(task.runId()) || !task.leaseLive() || task.leaseEpoch() != req.leaseEpoch()) {
                throw TaskActions.leaseLost(task);
            }
            List<DomainEvent> events = new ArrayList<>();
            TaskTransitions.Context ctx = new TaskTransitions.Context(type.name(), actorId, req.summary(), req.prNumber(),
                    req.prUrl(), req.branchName());
            String runStatus = req.outcome();
            // the run's outcome is recorded before the task's update is sent, so ending the lease leaves it as written here
            Uni<RunApi.RunView> recorded = tx.preparedQuery("update runs set status = $2, finished_at = now(), summary = $3, commits = $4::text::jsonb,"
                            + " files_modified = $5::text::jsonb, pr_number = $6, pr_url = $7, branch_name = $8, base_branch = $9,"
                            + " target_branch = $10, merge_outcome = $11, usage = $12::text::jsonb where id = $1 returning " + RUN_COLUMNS)
                    .execute(Tuple.tuple().addUUID(runId).addString(runStatus).addString(req.summary())
                            .addString(new JsonArray(req.commits() == null ? List.of() : req.commits()).encode())
                            .addString(new JsonArray(req.filesModified() == null ? List.of() : req.filesModified()).encode())
                            .addInteger(req.prNumber()).addString(req.prUrl()).addString(req.branchName())
                            .addString(req.baseBranch()).addString(req.targetBranch()).addString(req.mergeOutcome())
                            .addString(req.usage() == null ? null : JsonObject.mapFrom(req.usage()).encode()))
                    .map(finished -> view(finished.iterator().next()));
            events.add(new DomainEvent(EventType.RUN_FINISHED, companyId, type.name(), actorId, "run",
                    runId.toString(), new EventPayloads.RunFinished(runId, taskId, agentId, task.projectId(),
                    task.teamId(), runStatus, req.summary(), usage(req.usage()))));
            return Uni.combine().all().unis(recorded, advance(tx, task, run.getLong("open_children"), "succeeded".equals(runStatus), ctx, events))
                    .with((view, advanced) -> new PipelinedTx.Ending<>(view, outbox.appendAll(tx, events)));
        }));
    }

    /** The run and its task, both locked (run first, as everywhere a run is finished). */
    private static final String LOCK_RUN_AND_TASK_SQL = "select " + io.companyagents.tasks.repository.TaskRows.COLUMNS
            + ", r.agent_id as r_agent_id, r.status as r_status, " + TaskActions.OPEN_CHILDREN_SQL + " as open_children"
            + " from runs r join tasks t on t.id = r.task_id where r.company_id = $1 and r.id = $2 for update of r, t";

    /** The task action a finished run implies. */
    private Uni<Task> advance(SqlConnection tx, Task task, long openChildren, boolean succeeded, TaskTransitions.Context ctx, List<DomainEvent> events) {
        EnumSet<Actor> as = EnumSet.of(Actor.holder, Actor.reviewer, Actor.documenter, Actor.system);
        TaskAction action;
        Task current = task;
        Uni<Task> started = Uni.createFrom().item(task);
        if ("review".equals(task.leaseKind())) {
            action = switch (task.status()) {
                case awaiting_qa -> succeeded ? TaskAction.qa_pass : TaskAction.qa_fail;
                case awaiting_pr_review -> succeeded ? TaskAction.pr_pass : TaskAction.pr_fail;
                case awaiting_documentation -> succeeded ? TaskAction.docs_complete : null;
                default -> null;
            };
            if (action == null) {
                return transitions.endLease(tx, task, succeeded ? "succeeded" : "failed", "finish", ctx, events)
                        .chain(() -> clearLease(tx, task));
            }
        } else {
            if (task.status() == TaskStatus.claimed) {
                Transition start = Lifecycle.find(TaskStatus.claimed, TaskAction.start, task.reviewPolicy(), as).orElseThrow();
                started = transitions.apply(tx, task, start, ctx, events);
            }
            action = !succeeded ? TaskAction.release : switch (task.reviewPolicy()) {
                case none -> TaskAction.complete;
                case pm -> TaskAction.submit_for_pm;
                case qa, full -> TaskAction.submit;
            };
        }
        TaskAction chosen = action;
        return started.chain(t -> {
            Transition tr = Lifecycle.find(t.status(), chosen, t.reviewPolicy(), as)
                    .orElseThrow(() -> TaskActions.illegal(t, chosen, as));
            if (chosen == TaskAction.complete) {
                TaskActions.requireChildrenTerminal(openChildren);
            }
            return transitions.apply(tx, t, tr, ctx, events);
        });
    }

    private Uni<Task> clearLease(SqlConnection tx, Task task) {
        return tx.preparedQuery("update tasks set lease_id = null, lease_agent_id = null, lease_kind = null, lease_seconds = null,"
                        + " lease_expires_at = null, run_id = null, version = version + 1, updated_at = now() where id = $1")
                .execute(Tuple.of(task.id())).chain(() -> tasks.get(tx, task.companyId(), task.id()));
    }

    public Uni<RunApi.RunView> get(UUID companyId, UUID runId) {
        return runRow(pool, companyId, runId, false).map(this::view);
    }

    public Uni<Page<RunApi.RunView>> list(UUID companyId, RunFilter f, PageRequest page) {
        Where where = new Where("company_id = ", companyId).and("task_id = ", f.taskId()).and("agent_id = ", f.agentId())
                .and("status = ", f.status()).and("id > ", page.afterId());
        String limit = where.param(page.fetchSize());
        return pool.preparedQuery("select " + RUN_COLUMNS + " from runs where " + where.sql() + " order by id limit " + limit)
                .execute(where.tuple())
                .map(rows -> {
                    List<RunApi.RunView> out = new ArrayList<>();
                    rows.forEach(r -> out.add(view(r)));
                    return page.page(out, r -> r.id().toString());
                });
    }

    /** Appends to the run's log with the next gap-free seq (the run row is the counter, locked by the update). */
    public Uni<RunApi.RunEventView> append(UUID companyId, UUID runId, RunApi.AppendEvent e, Caller caller) {
        String actorId = caller.actorId();
        boolean agent = caller.actorType() == ActorType.agent;
        if (!agent) {
            caller.requireWrite();
        }
        return pool.withTransaction(tx -> tx.preparedQuery("update runs set next_seq = next_seq + 1 where id = $1 and company_id = $2"
                        + " and ($3::uuid is null or agent_id = $3) returning next_seq - 1 as seq")
                .execute(Tuple.of(runId, companyId, agent ? UUID.fromString(actorId) : null))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        throw ApiException.notFound("run " + runId);
                    }
                    long seq = rows.iterator().next().getLong("seq");
                    return tx.preparedQuery("insert into run_events (run_id, seq, company_id, kind, level, message, data)"
                                    + " values ($1, $2, $3, $4, $5, $6, $7::text::jsonb) returning created_at")
                            .execute(Tuple.tuple().addUUID(runId).addLong(seq).addUUID(companyId).addString(e.kind())
                                    .addString(e.level() == null ? "info" : e.level()).addString(e.message())
                                    .addString(e.data() == null ? null : e.data().toString()))
                            .map(r -> new RunApi.RunEventView(seq, e.kind(), e.level() == null ? "info" : e.level(), e.message(),
                                    e.data(), r.iterator().next().getOffsetDateTime("created_at")));
                }));
    }

    public Uni<RunApi.EventPage> events(UUID companyId, UUID runId, long afterSeq, int limit) {
        return runRow(pool, companyId, runId, false)
                .chain(run -> pool.preparedQuery("select seq, kind, level, message, data::text as data, created_at from run_events"
                                + " where run_id = $1 and seq > $2 order by seq limit $3")
                        .execute(Tuple.of(runId, afterSeq, limit + 1)))
                .map(rows -> {
                    List<RunApi.RunEventView> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new RunApi.RunEventView(r.getLong("seq"), r.getString("kind"), r.getString("level"),
                                r.getString("message"), json(r.getString("data")), r.getOffsetDateTime("created_at")));
                    }
                    Long next = null;
                    if (out.size() > limit) {
                        out = out.subList(0, limit);
                        next = out.get(limit - 1).seq();
                    }
                    return new RunApi.EventPage(List.copyOf(out), next);
                });
    }

    private Uni<Row> runRow(io.vertx.mutiny.sqlclient.SqlClient client, UUID companyId, UUID runId, boolean lock) {
        return client.preparedQuery("select " + RUN_COLUMNS + " from runs where company_id = $1 and id = $2" + (lock ? " for update" : ""))
                .execute(Tuple.of(companyId, runId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ApiException.notFound("run " + runId);
                    }
                    return rows.iterator().next();
                });
    }

    private RunApi.RunView view(Row r) {
        return new RunApi.RunView(r.getUUID("id"), r.getUUID("task_id"), r.getUUID("agent_id"), r.getString("kind"),
                r.getString("status"), r.getLong("lease_epoch"), r.getOffsetDateTime("started_at"),
                r.getOffsetDateTime("finished_at"), r.getString("branch_name"), r.getString("base_branch"),
                r.getString("target_branch"), json(r.getString("commits")), json(r.getString("files_modified")),
                r.getInteger("pr_number"), r.getString("pr_url"), r.getString("merge_outcome"), r.getString("summary"),
                json(r.getString("usage")));
    }

    /** The usage a run reports, as its {@code run.finished} event carries it for the ledger. */
    static EventPayloads.Usage usage(RunApi.Usage u) {
        return u == null ? null : new EventPayloads.Usage(u.provider(), u.model(), u.inputTokens(), u.outputTokens(),
                u.cachedInputTokens(), u.costMicros());
    }

    private JsonNode json(String s) {
        try {
            return s == null ? null : mapper.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
