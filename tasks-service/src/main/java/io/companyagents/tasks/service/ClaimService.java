package io.companyagents.tasks.service;

import io.companyagents.platform.events.DomainEvent;
import io.companyagents.platform.events.EventPayloads;
import io.companyagents.platform.events.EventType;
import io.companyagents.platform.id.Ids;
import io.companyagents.platform.identity.ActorType;
import io.companyagents.platform.identity.Caller;
import io.companyagents.platform.outbox.Outbox;
import io.companyagents.platform.outbox.OutboxGroup;
import io.companyagents.platform.problem.ApiException;
import io.companyagents.platform.sql.PipelinedTx;
import io.companyagents.tasks.config.TasksConfig;
import io.companyagents.tasks.domain.Actor;
import io.companyagents.tasks.domain.AgentState;
import io.companyagents.tasks.domain.Lifecycle;
import io.companyagents.tasks.domain.Task;
import io.companyagents.tasks.domain.TaskAction;
import io.companyagents.tasks.domain.TaskStatus;
import io.companyagents.tasks.repository.TaskRepository;
import io.companyagents.tasks.repository.TaskRows;
import io.companyagents.tasks.rest.TaskApi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Claims and heartbeats: the hot path. A claim is one short transaction — pick the best
 * eligible task with {@code FOR UPDATE SKIP LOCKED} (never the same task to two agents),
 * bump its fencing token, record lease and run, write the events — with the lease expiry taken
 * from the database clock.
 */
@ApplicationScoped
public class ClaimService {

    @Inject
    Pool pool;

    @Inject
    TaskRepository tasks;

    @Inject
    Outbox outbox;

    @Inject
    TasksConfig config;

    @Inject
    TaskMetrics metrics;

    /** The claim's answer; {@code null} task means nothing was eligible. */
    public record Claimed(Task task, UUID leaseId, UUID runId) {
    }

    /** Who wants work, and the ids its lease and run will have; taken from the request on its own thread. */
    record Wanted(UUID agentId, int seconds, UUID leaseId, UUID runId, String actorType, String actorId) {
    }

    /** What a claim is filtered by: claims with the same filters may go together. Labels are sorted (they match as a set). */
    record Filter(UUID companyId, UUID teamId, List<String> labels) {
        String[] labelArray() {
            return labels == null ? null : labels.toArray(String[]::new);
        }

        int variant() {
            return (teamId == null ? 0 : 1) + (labels == null ? 0 : 2);
        }
    }

    private RequestCoalescer<Filter, Wanted, Claimed> coalescer;

    @PostConstruct
    void init() {
        coalescer = new RequestCoalescer<>(Math.max(1, config.claimBatchSize()), this::claimBatch);
        metrics.claimsWaiting(coalescer::waiting);
    }

    public Uni<Claimed> claimNext(UUID companyId, TaskApi.ClaimRequest request, Caller caller) {
        UUID agentId = request.agentId();
        authorizeFor(caller, agentId);
        int seconds = request.leaseSeconds() == null ? config.defaultLeaseSeconds() : request.leaseSeconds();
        List<String> labels = request.labels() == null || request.labels().isEmpty() ? null
                : request.labels().stream().distinct().sorted().toList();
        Filter filter = new Filter(companyId, request.teamId(), labels);
        Wanted wanted = new Wanted(agentId, seconds, Ids.newId(), Ids.newId(), caller.actorType().name(), caller.actorId());
        Uni<Claimed> claim = config.claimBatchSize() > 1 ? coalescer.submit(filter, wanted) : claimOne(filter, wanted);
        return claim.invoke(metrics::claimed);
    }

    /**
     * One claim alone: the single statement below, its three events included (written by the
     * statement itself, see {@link EventHoles}), without {@code BEGIN}/{@code COMMIT}: one round trip.
     */
    private Uni<Claimed> claimOne(Filter filter, Wanted w) {
        ClaimEvents events = claimEvents(filter.companyId(), w);
        return pool.preparedQuery(CLAIM_NEXT_SQL[outbox.groupsEvents() ? 1 : 0][filter.variant()])
                .execute(Tuple.tuple().addUUID(filter.companyId()).addUUID(filter.teamId()).addArrayOfString(filter.labelArray())
                        .addUUID(w.agentId()).addUUID(w.leaseId()).addInteger(w.seconds()).addUUID(w.runId())
                        .addBoolean(config.relaxedClaimCommit())
                        .addUUID(events.lease().eventId()).addString(events.lease().json())
                        .addUUID(events.run().eventId()).addString(events.run().json())
                        .addUUID(events.status().eventId()).addString(events.status().json())
                        .addString(events.task().toString()).addString(EventType.LEASE_GRANTED.topic())
                        .addString(events.lease().type()).addString(events.run().type()).addString(events.status().type()))
                .map(rows -> {
                    var row = rows.iterator().next();
                    AgentState agent = new AgentState(w.agentId(), null, null, row.getString("agent_status"),
                            row.getBoolean("agent_stopped"));
                    // an agent that may not claim claimed nothing: the statement's candidate requires an eligible agent
                    checkEligible(agent, w.agentId());
                    if (row.getUUID("id") == null) {
                        return new Claimed(null, null, null);
                    }
                    outbox.appendedElsewhere();
                    return new Claimed(TaskRows.map(row), w.leaseId(), w.runId());
                });
    }

    /** A claim's events, serialized with the task's id (unknown until the statement picks it) as a placeholder. */
    private record ClaimEvents(UUID task, Outbox.Prepared lease, Outbox.Prepared run, Outbox.Prepared status) {
    }

    private ClaimEvents claimEvents(UUID companyId, Wanted w) {
        UUID task = UUID.randomUUID();
        Outbox.Prepared lease = outbox.prepare(new DomainEvent(EventType.LEASE_GRANTED, companyId, w.actorType(), w.actorId(),
                "lease", w.leaseId().toString(), new EventPayloads.LeaseChanged(w.leaseId(), task, w.agentId(), w.runId(), -1,
                "work", null)));
        Outbox.Prepared run = outbox.prepare(new DomainEvent(EventType.RUN_STARTED, companyId, w.actorType(), w.actorId(),
                "run", w.runId().toString(), new EventPayloads.RunStarted(w.runId(), task, w.agentId(), w.leaseId(), -1)));
        Outbox.Prepared status = outbox.prepare(new DomainEvent(EventType.TASK_STATUS_CHANGED, companyId, w.actorType(), w.actorId(),
                "task", task.toString(), new EventPayloads.TaskStatusChanged(task, task + ":identifier", task + ":from",
                TaskStatus.claimed.name(), TaskAction.claim.name(), null, -1, -1, -1)));
        String t = task.toString();
        boolean intact = lease.json().contains(t) && run.json().contains(t) && status.json().contains(t)
                && EventHoles.once(lease.json(), EventHoles.LEASE_EPOCH) && EventHoles.once(lease.json(), EventHoles.EXPIRES_AT)
                && EventHoles.once(run.json(), EventHoles.LEASE_EPOCH) && EventHoles.once(status.json(), EventHoles.LEASE_EPOCH)
                && EventHoles.once(status.json(), '"' + t + ":identifier\"") && EventHoles.once(status.json(), '"' + t + ":from\"")
                && EventHoles.once(status.json(), EventHoles.ATTEMPTS) && EventHoles.once(status.json(), EventHoles.VERSION);
        if (!intact) {
            throw new IllegalStateException("a claim event lost a placeholder in serialization");
        }
        return new ClaimEvents(task, lease, run, status);
    }

    /**
     * Claims that queued up behind one in flight, with the same filters, in one transaction: one
     * statement reads every asking agent's state and locks as many of the best eligible tasks
     * ({@code FOR UPDATE SKIP LOCKED}); they are handed out here in the order the claims came, each
     * agent taking the best one it may (a task assigned to an agent goes to that agent alone); one
     * statement writes the leases and runs; the events go with the commit. A claim left without a
     * task while more may be eligible runs again on its own; one the locked tasks could not serve
     * because there are none is answered "nothing eligible".
     */
    private Uni<List<Uni<Claimed>>> claimBatch(Filter filter, List<Wanted> batch) {
        if (batch.size() == 1) {
            return claimOne(filter, batch.get(0)).invoke(() -> metrics.claimBatch(1)).map(c -> List.of(Uni.createFrom().item(c)));
        }
        int limit = Integer.highestOneBit(batch.size() - 1) << 1; // a few statement texts: 2, 4, 8, …
        UUID[] agents = batch.stream().map(Wanted::agentId).distinct().toArray(UUID[]::new);
        List<Uni<Claimed>> answers = new ArrayList<>(batch.size());
        return PipelinedTx.run(pool, tx -> tx.preparedQuery(batchCandidatesSql(filter.teamId() != null, filter.labels() != null, limit))
                .execute(Tuple.tuple().addUUID(filter.companyId()).addUUID(filter.teamId()).addArrayOfString(filter.labelArray())
                        .addArrayOfUUID(agents))
                .chain(rows -> {
                    Map<UUID, AgentState> states = new HashMap<>();
                    List<Candidate> candidates = new ArrayList<>();
                    for (var row : rows) {
                        if (states.isEmpty()) {
                            UUID[] ids = row.getArrayOfUUIDs("agent_ids");
                            String[] statuses = row.getArrayOfStrings("agent_statuses");
                            Boolean[] stopped = row.getArrayOfBooleans("agents_stopped");
                            for (int i = 0; i < ids.length; i++) {
                                states.put(ids[i], new AgentState(ids[i], null, null, statuses[i], stopped[i]));
                            }
                        }
                        if (row.getUUID("id") != null) {
                            candidates.add(new Candidate(row.getUUID("id"), TaskStatus.valueOf(row.getString("status")),
                                    row.getUUID("assignee_agent_id")));
                        }
                    }
                    boolean exhausted = candidates.size() < limit;
                    List<Wanted> handed = new ArrayList<>();
                    List<Candidate> taken = new ArrayList<>();
                    for (Wanted w : batch) {
                        try {
                            checkEligible(states.get(w.agentId()), w.agentId());
                        } catch (ApiException refused) {
                            answers.add(Uni.createFrom().failure(refused));
                            continue;
                        }
                        Candidate best = null;
                        for (Candidate c : candidates) {
                            if (c.assignee() == null || c.assignee().equals(w.agentId())) {
                                best = c;
                                break;
                            }
                        }
                        if (best != null) {
                            candidates.remove(best);
                            handed.add(w);
                            taken.add(best);
                            answers.add(null); // filled in from the update below
                        } else if (exhausted) {
                            answers.add(Uni.createFrom().item(new Claimed(null, null, null)));
                        } else {
                            answers.add(Uni.createFrom().deferred(() -> claimOne(filter, w)));
                        }
                    }
                    if (handed.isEmpty()) {
                        return Uni.createFrom().item(PipelinedTx.Ending.of(answers));
                    }
                    return claimCandidates(tx, filter, handed, taken, answers);
                })).invoke(() -> metrics.claimBatch(batch.size()));
    }

    /** A locked candidate of a batch: what handing it out needs. */
    private record Candidate(UUID id, TaskStatus status, UUID assignee) {
    }

    private Uni<PipelinedTx.Ending<List<Uni<Claimed>>>> claimCandidates(SqlConnection tx, Filter filter, List<Wanted> handed,
                                                                        List<Candidate> taken, List<Uni<Claimed>> answers) {
        int n = handed.size();
        UUID[] taskIds = new UUID[n];
        UUID[] agentIds = new UUID[n];
        UUID[] leaseIds = new UUID[n];
        UUID[] runIds = new UUID[n];
        Integer[] seconds = new Integer[n];
        for (int i = 0; i < n; i++) {
            Wanted w = handed.get(i);
            taskIds[i] = taken.get(i).id();
            agentIds[i] = w.agentId();
            leaseIds[i] = w.leaseId();
            runIds[i] = w.runId();
            seconds[i] = w.seconds();
        }
        return tx.preparedQuery(CLAIM_CANDIDATES_SQL)
                .execute(Tuple.tuple().addArrayOfUUID(taskIds).addArrayOfUUID(agentIds).addArrayOfUUID(leaseIds)
                        .addArrayOfUUID(runIds).addArrayOfInteger(seconds).addBoolean(config.relaxedClaimCommit())
                        .addUUID(filter.companyId()))
                .map(rows -> {
                    Map<UUID, Task> claimed = new HashMap<>();
                    rows.forEach(row -> claimed.put(row.getUUID("id"), TaskRows.map(row)));
                    if (claimed.size() != n) {
                        throw new IllegalStateException("a batch claim locked " + n + " tasks but updated " + claimed.size());
                    }
                    List<DomainEvent> events = new ArrayList<>(3 * n);
                    int next = 0;
                    for (int i = 0; i < answers.size(); i++) {
                        if (answers.get(i) != null) {
                            continue;
                        }
                        Wanted w = handed.get(next);
                        Candidate c = taken.get(next);
                        next++;
                        Task task = claimed.get(c.id());
                        events.addAll(leaseAndRunEvents(task, c.status(), w.actorType(), w.actorId(), "claim"));
                        answers.set(i, Uni.createFrom().item(new Claimed(task, w.leaseId(), w.runId())));
                    }
                    return new PipelinedTx.Ending<>(answers, outbox.appendAll(tx, events));
                });
    }

    /**
     * A batch's first statement: the asking agents' states (as arrays, one element per agent) and,
     * if any of them may work, up to {@code limit} of the best eligible tasks, locked, each either
     * unassigned or assigned to one of them — one row per task, or one row without a task.
     */
    public static String batchCandidatesSql(boolean byTeam, boolean byLabels, int limit) {
        return "with agent as (select x.agent_id, a.status, coalesce(a.over_budget, false) or exists (select 1 from budget_stops b"
                + "   where b.company_id = $1 and (b.scope_type = 'company' or (b.scope_type = 'agent' and b.scope_id = x.agent_id)"
                + "   or (b.scope_type = 'team' and b.scope_id = a.team_id))) as stopped"
                + "   from unnest($4::uuid[]) x(agent_id) left join agents a on a.agent_id = x.agent_id and a.company_id = $1),"
                + " eligible as (select agent_id from agent where not stopped and (status is null or status in ('active', 'idle'))),"
                + " candidate as (select id, status, assignee_agent_id, priority from tasks where company_id = $1"
                + " and ready"
                + (byTeam ? " and team_id = $2" : "") + (byLabels ? " and labels && $3" : "")
                + " and (assignee_agent_id is null or assignee_agent_id = any(array(select agent_id from eligible)))"
                + " and exists (select 1 from eligible)"
                + " order by priority, id limit " + limit + " for update skip locked)"
                + " select ag.agent_ids, ag.agent_statuses, ag.agents_stopped, $2::uuid as team_filter, $3::text[] as label_filter,"
                + " c.id, c.status, c.assignee_agent_id"
                + " from (select array_agg(agent_id order by agent_id) as agent_ids, array_agg(status order by agent_id) as agent_statuses,"
                + "   array_agg(stopped order by agent_id) as agents_stopped from agent) ag"
                + " left join candidate c on true order by c.priority, c.id";
    }

    /** A batch's second statement: the tasks it locked handed to their agents, with leases, runs and the claim's relaxed commit. */
    private static final String CLAIM_CANDIDATES_SQL = "with m as (select * from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[],"
            + " $5::int[]) as m(task_id, agent_id, lease_id, run_id, secs)),"
            + " claimed as (update tasks t set status = 'claimed', lease_epoch = t.lease_epoch + 1, lease_id = m.lease_id,"
            + " lease_agent_id = m.agent_id, lease_kind = 'work', lease_seconds = m.secs,"
            + " lease_expires_at = now() + make_interval(secs => m.secs), run_id = m.run_id, worker_agent_id = m.agent_id,"
            + " ever_claimed = true, version = t.version + 1, updated_at = now()"
            + " from m where t.id = m.task_id and t.company_id = $7 returning " + TaskRows.COLUMNS + "),"
            + " lease as (insert into leases (id, company_id, task_id, agent_id, run_id, lease_epoch, kind)"
            + "   select lease_id, company_id, id, lease_agent_id, run_id, lease_epoch, 'work' from claimed),"
            + " run as (insert into runs (id, company_id, task_id, agent_id, lease_id, lease_epoch, kind)"
            + "   select run_id, company_id, id, lease_agent_id, lease_id, lease_epoch, 'work' from claimed)"
            + " select case when $6 then set_config('synchronous_commit', 'off', true) end as relaxed, claimed.* from claimed";

    /** The claim's events ($10, $12, $14, serialized with the task placeholder $15) filled from the claimed row. */
    private static final String CLAIM_LEASE_EVENT = EventHoles.replace(EventHoles.fillKey(EventHoles.fillKey("$10::text",
                    EventHoles.LEASE_EPOCH, "claimed.lease_epoch"), EventHoles.EXPIRES_AT, EventHoles.jsonInstantOrNull("claimed.lease_expires_at")),
            "$15::text", "claimed.id::text");
    private static final String CLAIM_RUN_EVENT = EventHoles.replace(EventHoles.fillKey("$12::text", EventHoles.LEASE_EPOCH,
            "claimed.lease_epoch"), "$15::text", "claimed.id::text");
    private static final String CLAIM_STATUS_EVENT = EventHoles.replace(EventHoles.fillKey(EventHoles.fillKey(EventHoles.fillKey(
                                    EventHoles.replace(EventHoles.replace("$14::text",
                                                    EventHoles.quoted("$15::text", ":identifier"), "to_json(claimed.identifier)::text"),
                                            EventHoles.quoted("$15::text", ":from"), "to_json(claimed.previous_status)::text"),
                                    EventHoles.LEASE_EPOCH, "claimed.lease_epoch"), EventHoles.ATTEMPTS, "claimed.attempts"),
                    EventHoles.VERSION, "claimed.version"),
            "$15::text", "claimed.id::text");

    /**
     * The whole claim in one statement: the agent's eligibility, the best eligible task picked
     * with {@code FOR UPDATE SKIP LOCKED}, its lease (fencing token bumped, expiry from the
     * database clock), the lease and run rows, and — for this transaction alone, since a lost
     * claim is recovered by the reaper — an asynchronous commit. It answers one row: the agent's
     * state and, if a task was claimed, the task.
     * <p>
     * One text per combination of the optional team ({@code $2}) and labels ({@code $3}) filters,
     * indexed {@code team + 2 * labels}: the pools plan each statement once, generically, and a
     * generic plan cannot fold away {@code ($2 is null or team_id = $2)}; with such a term it
     * underestimates the eligible rows, loses the benefit of {@code limit 1} and sorts the whole
     * ready set instead of reading the head of {@code tasks_ready}. An absent filter's parameter
     * is still typed in the answer, so every variant takes the same parameters.
     */
    private static final String[][] CLAIM_NEXT_SQL = {
            {claimNextSql(false, false, false), claimNextSql(true, false, false), claimNextSql(false, true, false), claimNextSql(true, true, false)},
            {claimNextSql(false, false, true), claimNextSql(true, false, true), claimNextSql(false, true, true), claimNextSql(true, true, true)}};

    /** The claim statement for the given filters, its events as one outbox row (public for the plan test). */
    public static String claimNextSql(boolean byTeam, boolean byLabels) {
        return claimNextSql(byTeam, byLabels, true);
    }

    /** The claim statement for the given filters, its events as one outbox row or as a row each ({@link Outbox#groupsEvents()}). */
    static String claimNextSql(boolean byTeam, boolean byLabels, boolean grouped) {
        return "with agent as (" + TaskRepository.agentSql(4) + "),"
                + " candidate as (select id, status from tasks where company_id = $1 and ready"
                + (byTeam ? " and team_id = $2" : "") + (byLabels ? " and labels && $3" : "")
                + " and (assignee_agent_id is null or assignee_agent_id = $4)"
                + " and exists (select 1 from agent where not stopped and (status is null or status in ('active', 'idle')))"
                + " order by priority, id limit 1 for update skip locked),"
                + " claimed as (update tasks t set status = 'claimed', lease_epoch = t.lease_epoch + 1, lease_id = $5,"
                + " lease_agent_id = $4, lease_kind = 'work', lease_seconds = $6::int,"
                + " lease_expires_at = now() + make_interval(secs => $6::int), run_id = $7, worker_agent_id = $4,"
                + " ever_claimed = true, version = t.version + 1, updated_at = now()"
                + " from candidate where t.id = candidate.id returning " + TaskRows.COLUMNS + ", candidate.status as previous_status),"
                + " lease as (insert into leases (id, company_id, task_id, agent_id, run_id, lease_epoch, kind)"
                + "   select $5, company_id, id, $4, $7, lease_epoch, 'work' from claimed),"
                + " run as (insert into runs (id, company_id, task_id, agent_id, lease_id, lease_epoch, kind)"
                + "   select $7, company_id, id, $4, $5, lease_epoch, 'work' from claimed)"
                + ", o as (insert into outbox (event_id, topic, company_id, event_type, payload)"
                + (grouped ? "   " + OutboxGroup.sqlRow("e.id", "$16::text", "claimed.company_id", "e.type", "e.payload", "e.i")
                        : "   select e.id, $16::text, claimed.company_id, e.type, e.payload")
                + "   from claimed cross join lateral (values"
                + "     (1, $9::uuid, $17::text, " + CLAIM_LEASE_EVENT + "), (2, $11::uuid, $18::text, " + CLAIM_RUN_EVENT + "),"
                + "     (3, $13::uuid, $19::text, " + CLAIM_STATUS_EVENT + ")) as e(i, id, type, payload)"
                + (grouped ? " group by claimed.company_id)" : " order by e.i)")
                + " select agent.status as agent_status, agent.stopped as agent_stopped,"
                + " case when $8 and claimed.id is not null then set_config('synchronous_commit', 'off', true) end as relaxed,"
                + " $2::uuid as team_filter, $3::text[] as label_filter, claimed.*"
                + " from agent left join claimed on true";
    }

    /** Claims one named task: a work claim from pending/needs_revision, or a review claim that keeps the status. */
    public Uni<Claimed> claimTask(UUID companyId, UUID taskId, UUID agentId, Integer leaseSeconds, Caller caller) {
        authorizeFor(caller, agentId);
        int seconds = leaseSeconds == null ? config.defaultLeaseSeconds() : leaseSeconds;
        UUID leaseId = Ids.newId();
        UUID runId = Ids.newId();
        return pool.withTransaction(tx -> relax(tx)
                .chain(() -> eligibleAgent(tx, companyId, agentId))
                .chain(agent -> tasks.getForUpdate(tx, companyId, taskId).chain(task -> {
                    var actors = Actors.of(ActorType.agent, "agent", agentId, agent, task, null);
                    var transition = Lifecycle.find(task.status(), TaskAction.claim, task.reviewPolicy(), actors);
                    if (transition.isEmpty()) {
                        throw TaskActions.illegal(task, TaskAction.claim, actors);
                    }
                    if (task.leaseId() != null && task.leaseLive()) {
                        throw ApiException.conflict("already_leased", task.identifier() + " is leased by another agent");
                    }
                    if (task.unmetDependencies() > 0) {
                        throw new ApiException(409, "dependencies_unmet", "Conflict",
                                task.identifier() + " waits on " + task.unmetDependencies() + " unfinished dependency(ies)",
                                List.of(), Map.of("blockedBy", task.blockedBy()));
                    }
                    if (task.assigneeAgentId() != null && !task.assigneeAgentId().equals(agentId) && task.status() != TaskStatus.awaiting_qa
                            && task.status() != TaskStatus.awaiting_pr_review && task.status() != TaskStatus.awaiting_documentation) {
                        throw ApiException.conflict("assigned_elsewhere", task.identifier() + " is assigned to another agent");
                    }
                    boolean review = TaskStatus.REVIEW_CLAIMABLE.contains(task.status());
                    TaskStatus to = review ? task.status() : TaskStatus.claimed;
                    return tx.preparedQuery("update tasks t set status = $3, lease_epoch = t.lease_epoch + 1, lease_id = $4,"
                                    + " lease_agent_id = $5, lease_kind = $6, lease_seconds = $7::int,"
                                    + " lease_expires_at = now() + make_interval(secs => $7::int), run_id = $8,"
                                    + " worker_agent_id = case when $6 = 'work' then $5 else t.worker_agent_id end,"
                                    + " ever_claimed = true, version = t.version + 1, updated_at = now()"
                                    + " where id = $1 and company_id = $2 and status = $9 and lease_epoch = $10"
                                    + " returning " + TaskRows.COLUMNS)
                            .execute(Tuple.tuple().addUUID(taskId).addUUID(companyId).addString(to.name()).addUUID(leaseId)
                                    .addUUID(agentId).addString(review ? "review" : "work").addInteger(seconds).addUUID(runId)
                                    .addString(task.status().name()).addLong(task.leaseEpoch()))
                            .chain(rows -> {
                                Task claimed = TaskRows.map(rows.iterator().next());
                                return recordLeaseAndRun(tx, claimed, task.status(), caller, "claim")
                                        .replaceWith(new Claimed(claimed, leaseId, runId));
                            });
                }))).invoke(metrics::claimed);
    }

    /** Finds the task by its lease; liveness is tested so no index answers it (see {@link TaskActions#startAsHolderSql()}). */
    private static final String HEARTBEAT_SQL = "update tasks set lease_expires_at = now() + make_interval(secs => lease_seconds)"
            + " where company_id = $1 and lease_id = $2 and lease_epoch = $3 and (lease_expires_at > now()) is true"
            + " and status <> 'paused' and ($4::uuid is null or lease_agent_id = $4)"
            + " returning lease_expires_at, run_id";

    /** The heartbeat statement (for plan checks). */
    public static String heartbeatSql() {
        return HEARTBEAT_SQL;
    }

    /** Extends a live lease; a stale token, an expired lease or a paused task is refused and nothing changes. */
    public Uni<OffsetDateTime> heartbeat(UUID companyId, UUID leaseId, long leaseEpoch, String progress, Caller caller) {
        UUID agentId = caller.actorType() == ActorType.agent ? UUID.fromString(caller.actorId()) : null;
        return pool.withTransaction(tx -> tx.preparedQuery(HEARTBEAT_SQL)
                .execute(Tuple.of(companyId, leaseId, leaseEpoch, agentId))
                .chain(rows -> {
                    if (rows.size() == 1) {
                        var row = rows.iterator().next();
                        OffsetDateTime expires = row.getOffsetDateTime("lease_expires_at");
                        if (progress == null) {
                            return Uni.createFrom().item(expires);
                        }
                        return appendProgress(tx, companyId, row.getUUID("run_id"), progress).replaceWith(expires);
                    }
                    return whyNot(tx, companyId, leaseId, agentId);
                }));
    }

    private Uni<OffsetDateTime> whyNot(SqlConnection tx, UUID companyId, UUID leaseId, UUID agentId) {
        return tx.preparedQuery("select t.status, t.pause_reason, l.agent_id from leases l join tasks t on t.id = l.task_id"
                        + " where l.company_id = $1 and l.id = $2")
                .execute(Tuple.of(companyId, leaseId))
                .map(rows -> {
                    if (rows.size() == 0 || (agentId != null && !agentId.equals(rows.iterator().next().getUUID("agent_id")))) {
                        throw ApiException.notFound("lease " + leaseId);
                    }
                    var row = rows.iterator().next();
                    if ("paused".equals(row.getString("status")) && "budget".equals(row.getString("pause_reason"))) {
                        throw ApiException.conflict("budget_exceeded", "the budget covering this work is exhausted; the task is paused");
                    }
                    if ("paused".equals(row.getString("status"))) {
                        throw ApiException.conflict("task_paused", "the task is paused; stop work until it is resumed");
                    }
                    throw new ApiException(409, "lease_lost", "Conflict", "the lease expired or was superseded", List.of(), Map.of());
                });
    }

    private Uni<Void> appendProgress(SqlConnection tx, UUID companyId, UUID runId, String progress) {
        return tx.preparedQuery("with s as (update runs set next_seq = next_seq + 1 where id = $1 returning next_seq - 1 as seq)"
                        + " insert into run_events (run_id, seq, company_id, kind, level, message) select $1, s.seq, $2, 'progress', 'info', $3 from s")
                .execute(Tuple.of(runId, companyId, progress)).replaceWithVoid();
    }

    private Uni<Void> recordLeaseAndRun(SqlConnection tx, Task task, TaskStatus from, Caller caller, String action) {
        return tx.preparedQuery("with l as (insert into leases (id, company_id, task_id, agent_id, run_id, lease_epoch, kind)"
                        + " values ($1, $2, $3, $4, $5, $6, $7))"
                        + " insert into runs (id, company_id, task_id, agent_id, lease_id, lease_epoch, kind) values ($5, $2, $3, $4, $1, $6, $7)")
                .execute(Tuple.tuple().addUUID(task.leaseId()).addUUID(task.companyId()).addUUID(task.id())
                        .addUUID(task.leaseAgentId()).addUUID(task.runId()).addLong(task.leaseEpoch()).addString(task.leaseKind()))
                .chain(() -> outbox.appendAll(tx, leaseAndRunEvents(task, from, caller.actorType().name(), caller.actorId(), action)));
    }

    /** lease.granted, run.started and (unless a review claim kept the status) task.status_changed. */
    private static List<DomainEvent> leaseAndRunEvents(Task task, TaskStatus from, String actorType, String actorId, String action) {
        var events = new ArrayList<DomainEvent>(3);
        events.add(new DomainEvent(EventType.LEASE_GRANTED, task.companyId(), actorType, actorId, "lease", task.leaseId().toString(),
                new EventPayloads.LeaseChanged(task.leaseId(), task.id(), task.leaseAgentId(), task.runId(), task.leaseEpoch(),
                        task.leaseKind(), task.leaseExpiresAt())));
        events.add(new DomainEvent(EventType.RUN_STARTED, task.companyId(), actorType, actorId, "run", task.runId().toString(),
                new EventPayloads.RunStarted(task.runId(), task.id(), task.leaseAgentId(), task.leaseId(), task.leaseEpoch())));
        if (from != task.status()) {
            events.add(new DomainEvent(EventType.TASK_STATUS_CHANGED, task.companyId(), actorType, actorId, "task", task.id().toString(),
                    new EventPayloads.TaskStatusChanged(task.id(), task.identifier(), from.name(), task.status().name(), action,
                            null, task.leaseEpoch(), task.attempts(), task.version())));
        }
        return events;
    }

    /** An agent claims for itself; a board owner/operator (or admin) may claim on an agent's behalf. */
    private static void authorizeFor(Caller caller, UUID agentId) {
        switch (caller.actorType()) {
            case agent -> {
                if (!agentId.toString().equals(caller.actorId())) {
                    throw ApiException.forbidden("an agent key claims only for its own agent");
                }
            }
            case board -> caller.requireWrite();
            case admin -> {
            }
            default -> throw ApiException.forbidden("this credential may not claim work");
        }
    }

    private Uni<AgentState> eligibleAgent(SqlConnection tx, UUID companyId, UUID agentId) {
        return tasks.agent(tx, companyId, agentId).map(agent -> checkEligible(agent, agentId));
    }

    /** A budget-stopped, paused or terminated agent gets no new work (409). */
    private static AgentState checkEligible(AgentState agent, UUID agentId) {
        if (agent.budgetStopped()) {
            throw ApiException.conflict("budget_exceeded", "the budget covering this agent is exhausted; no new work");
        }
        if (!agent.canWork()) {
            throw ApiException.conflict("agent_not_active", "agent " + agentId + " is " + agent.status() + " and cannot claim work");
        }
        return agent;
    }

    private Uni<Void> relax(SqlConnection tx) {
        return config.relaxedClaimCommit()
                ? tx.query("set local synchronous_commit = off").execute().replaceWithVoid()
                : Uni.createFrom().voidItem();
    }

}
