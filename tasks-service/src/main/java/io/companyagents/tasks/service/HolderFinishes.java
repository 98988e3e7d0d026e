package io.companyagents.tasks.service;

import io.companyagents.platform.events.DomainEvent;
import io.companyagents.platform.events.EventPayloads;
import io.companyagents.platform.events.EventType;
import io.companyagents.platform.identity.ActorType;
import io.companyagents.platform.outbox.Outbox;
import io.companyagents.platform.outbox.OutboxGroup;
import io.companyagents.tasks.config.TasksConfig;
import io.companyagents.tasks.domain.Actor;
import io.companyagents.tasks.domain.Lifecycle;
import io.companyagents.tasks.domain.ReviewPolicy;
import io.companyagents.tasks.domain.TaskAction;
import io.companyagents.tasks.domain.TaskStatus;
import io.companyagents.tasks.domain.Transition;
import io.companyagents.tasks.rest.RunApi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import static io.companyagents.tasks.service.EventHoles.fillKey;
import static io.companyagents.tasks.service.EventHoles.jsonOrNull;
import static io.companyagents.tasks.service.EventHoles.once;
import static io.companyagents.tasks.service.EventHoles.quoted;
import static io.companyagents.tasks.service.EventHoles.replace;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The holder's successful finish of its work, the commonest way work ends, as one statement that
 * also writes its three events: the run's outcome is recorded, the task moves on as its review
 * policy says (completed, or on to review), the lease ends, and {@code run.finished},
 * {@code task.status_changed} and {@code lease.released} go into the outbox — one round trip,
 * no {@code BEGIN}/{@code COMMIT}, where the general path takes three.
 * <p>
 * The statement locks the run and its task (run first, as everywhere a run is finished) only if
 * everything that makes this the plain case holds: the run is the caller's and running, it is the
 * task's current run, the task is {@code in_progress} under the caller's live work lease with this
 * fencing token, and, where the task would complete, no child is open and nothing depends on it.
 * A run or task another transaction holds is skipped, not waited for (that request goes the general
 * path, which waits), so one held row never stalls the company's batches behind it.
 * Children and dependents are looked at again once the task is locked ({@code finish_guard}, migration V1_4): a
 * child or dependency added while the statement waited for the lock undoes the whole statement.
 * The events are serialized here with holes for what only the locked rows know (identifier, new
 * status, attempts, version, project, team, the lease and its expiry), which the statement fills.
 * <p>
 * Anything else — a failure outcome, a task still {@code claimed}, a review lease, a stale token,
 * children or dependents, a statement that failed (a deadlock, say: it changed nothing) — is
 * answered null, having changed nothing, and the caller takes the general path, which decides and
 * says why. Finishes arriving for one company while a batch is in flight go together.
 */
@ApplicationScoped
public class HolderFinishes {

    private static final Logger LOG = Logger.getLogger(HolderFinishes.class);

    /** The holder's finish: the run, the token, and the request as sent. */
    public record Finish(UUID companyId, UUID runId, UUID agentId, RunApi.FinishRequest request) {
    }

    /**
     * Holes. Values only the locked rows know are serialized as placeholders the statement replaces:
     * the task's, lease's, project's and team's ids as random UUIDs drawn for the request (the task's
     * and the lease's also appear in each event's subject); strings as a quoted placeholder derived
     * from the project's; numbers and the lease's expiry under their own key, which each event's data
     * holds once. A request's text cannot contain a placeholder it never saw, so replacing every
     * occurrence touches nothing else.
     */
    static final String ATTEMPTS_HOLE = EventHoles.ATTEMPTS;
    static final String VERSION_HOLE = EventHoles.VERSION;
    static final String EXPIRES_HOLE = EventHoles.EXPIRES_AT;

    /** The placeholders of one request. */
    record Holes(UUID task, UUID lease, UUID project, UUID team) {
        static Holes draw() {
            return new Holes(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        }

        String identifier() {
            return project + ":identifier";
        }

        String to() {
            return project + ":to";
        }

        String action() {
            return project + ":action";
        }
    }

    private static final String CHILD_OPEN = "select 1 from tasks c where c.parent_task_id = t.id and c.status not in ('completed', 'cancelled')";
    private static final String HAS_DEPENDENTS = "select 1 from task_dependencies d where d.depends_on_task_id = t.id";

    /** The task action a success implies, by review policy, over the updated {@code t}. */
    private static final String ACTION_BY_POLICY = "case t.review_policy when 'none' then $20 when 'pm' then $21 when 'qa' then $22 else $23 end";

    private static final String RUN_PAYLOAD = replace(replace(replace("k.q_run_payload",
                    quoted("k.q_ph_project", ""), jsonOrNull("t.project_id")),
                    quoted("k.q_ph_team", ""), jsonOrNull("t.team_id")),
            "k.q_ph_task::text", "t.id::text");

    private static final String STATUS_PAYLOAD = replace(fillKey(fillKey(replace(replace(replace("k.q_status_payload",
                                            quoted("k.q_ph_project", ":identifier"), "to_json(t.identifier)::text"),
                                    quoted("k.q_ph_project", ":to"), "to_json(t.status)::text"),
                            quoted("k.q_ph_project", ":action"), "to_json(" + ACTION_BY_POLICY + ")::text"),
                    ATTEMPTS_HOLE, "t.attempts"), VERSION_HOLE, "t.version"),
            "k.q_ph_task::text", "t.id::text");

    private static final String LEASE_PAYLOAD = replace(replace(fillKey("k.q_lease_payload", EXPIRES_HOLE, EventHoles.jsonInstantOrNull("k.k_expires")),
                    "k.q_ph_lease::text", "k.k_lease::text"),
            "k.q_ph_task::text", "t.id::text");

    private static final String FINISH_SQL = "with req as (select * from unnest($2::uuid[], $3::uuid[], $4::bigint[], $5::text[],"
            + "   $6::text[], $7::text[], $8::int[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[],"
            + "   $15::uuid[], $16::text[], $17::uuid[], $18::text[], $19::uuid[], $31::text[],"
            + "   $32::uuid[], $33::uuid[], $34::uuid[], $35::uuid[]) with ordinality"
            + "   as q(q_run, q_agent, q_epoch, q_summary, q_commits, q_files, q_pr_number, q_pr_url, q_branch, q_base, q_target,"
            + "   q_merge, q_usage, q_run_event, q_run_payload, q_status_event, q_status_payload, q_lease_event, q_lease_payload,"
            + "   q_ph_task, q_ph_lease, q_ph_project, q_ph_team, q_n)),"
            + " k as (select req.*, t.id as k_task, t.lease_id as k_lease, t.lease_expires_at as k_expires"
            + "   from req join runs r on r.id = req.q_run join tasks t on t.id = r.task_id"
            + "   where (r.company_id = $1) is true and r.agent_id = req.q_agent and r.status = 'running'"
            + "   and (t.company_id = $1) is true and t.run_id = r.id and t.status = 'in_progress' and t.lease_kind = 'work'"
            + "   and t.lease_agent_id = req.q_agent and t.lease_epoch = req.q_epoch and (t.lease_expires_at > now()) is true"
            + "   and (t.review_policy <> 'none' or (not exists (" + CHILD_OPEN + ") and not exists (" + HAS_DEPENDENTS + ")))"
            + "   for update of r, t skip locked),"
            + " ru as (update runs set status = 'succeeded', finished_at = now(), summary = k.q_summary,"
            + "   commits = k.q_commits::jsonb, files_modified = k.q_files::jsonb, pr_number = k.q_pr_number, pr_url = k.q_pr_url,"
            + "   branch_name = k.q_branch, base_branch = k.q_base, target_branch = k.q_target, merge_outcome = k.q_merge,"
            + "   usage = k.q_usage::jsonb from k where runs.id = k.q_run"
            + "   returning k.q_n, " + RunService.RUN_COLUMNS + "),"
            + " tu as (update tasks t set status = case t.review_policy when 'none' then $24 when 'pm' then $25 when 'qa' then $26 else $27 end,"
            + "   lease_id = null, lease_agent_id = null, lease_kind = null, lease_seconds = null, lease_expires_at = null, run_id = null,"
            + "   pr_number = coalesce(k.q_pr_number, t.pr_number), pr_url = coalesce(k.q_pr_url, t.pr_url),"
            + "   branch_name = coalesce(k.q_branch, t.branch_name), version = t.version + 1, updated_at = now()"
            + "   from k where t.id = k.k_task"
            + "   returning k.q_n, k.k_lease, k.q_run_event, k.q_status_event, k.q_lease_event, " + ACTION_BY_POLICY + " as action,"
            + "   finish_guard(t.id, t.status = 'completed') as guarded,"
            + "   " + RUN_PAYLOAD + " as run_payload, " + STATUS_PAYLOAD + " as status_payload, " + LEASE_PAYLOAD + " as lease_payload),"
            + " lu as (update leases l set ended_at = now(), end_reason = tu.action from tu where l.id = tu.k_lease and l.ended_at is null),"
            + " o as (insert into outbox (event_id, topic, company_id, event_type, payload)"
            + "%s"
            + "   from tu cross join lateral (values"
            + "     (1, tu.q_run_event, $29, tu.run_payload), (2, tu.q_status_event, $30, tu.status_payload),"
            + "     (3, tu.q_lease_event, $36, tu.lease_payload)) as e(i, id, type, payload)"
            + "   %s)"
            + " select ru.* from ru join tu on tu.q_n = ru.q_n";

    /** The finish with its events as one outbox row ({@code [1]}) or as a row each ({@code [0]}, see {@link Outbox#groupsEvents()}). */
    private static final String[] FINISH_SQLS = {
            FINISH_SQL.formatted("   select e.id, $28, $1, e.type, e.payload", "order by tu.q_n, e.i"),
            FINISH_SQL.formatted("   " + OutboxGroup.sqlRow("e.id", "$28", "$1", "e.type::text", "e.payload", "tu.q_n, e.i"),
                    "having count(*) > 0")};

    /**
     * The company is tested as {@code (…) is true}, which no index can answer: the runs and tasks are
     * found by their keys from the requests, never by walking a company's runs (an empty or small runs
     * table's statistics once planned exactly that).
     */
    public static String sql() {
        return FINISH_SQLS[1];
    }

    /** The action a holder's success takes, and the status it leads to, from {@code in_progress}, for each review policy. */
    private static final Map<ReviewPolicy, Transition> SUCCESS = new HashMap<>();

    static {
        EnumSet<Actor> as = EnumSet.of(Actor.holder, Actor.reviewer, Actor.documenter, Actor.system);
        for (ReviewPolicy p : ReviewPolicy.values()) {
            TaskAction action = switch (p) {
                case none -> TaskAction.complete;
                case pm -> TaskAction.submit_for_pm;
                case qa, full -> TaskAction.submit;
            };
            SUCCESS.put(p, Lifecycle.find(TaskStatus.in_progress, action, p, as).orElseThrow());
        }
    }

    @Inject
    Pool pool;

    @Inject
    Outbox outbox;

    @Inject
    TasksConfig config;

    @Inject
    TaskMetrics metrics;

    private RequestCoalescer<UUID, Finish, Row> coalescer;

    @PostConstruct
    void init() {
        coalescer = new RequestCoalescer<>(Math.max(1, config.finishBatchSize()), this::finishBatch);
    }

    /** Whether a finish can take this path at all: a holder's success. */
    public static boolean applies(RunApi.FinishRequest req) {
        return "succeeded".equals(req.outcome()) && req.leaseEpoch() != null;
    }

    /** The finished run's row (run columns) if the plain case held and it is done; null, having changed nothing, otherwise. */
    public Uni<Row> finish(Finish finish) {
        return coalescer.submit(finish.companyId(), finish);
    }

    private record Prepared(Holes holes, Outbox.Prepared run, Outbox.Prepared status, Outbox.Prepared lease) {
        /** Whether every placeholder is where the statement will look for it (else the request takes the general path). */
        boolean holesIntact() {
            String task = holes.task().toString();
            return run.json().contains(task) && status.json().contains(task) && lease.json().contains(task)
                    && lease.json().contains(holes.lease().toString())
                    && once(run.json(), '"' + holes.project().toString() + '"') && once(run.json(), '"' + holes.team().toString() + '"')
                    && once(status.json(), '"' + holes.identifier() + '"') && once(status.json(), '"' + holes.to() + '"')
                    && once(status.json(), '"' + holes.action() + '"')
                    && once(status.json(), ATTEMPTS_HOLE) && once(status.json(), VERSION_HOLE) && once(lease.json(), EXPIRES_HOLE);
        }
    }

    private Prepared prepare(Finish f) {
        RunApi.FinishRequest req = f.request();
        Holes h = Holes.draw();
        String actor = ActorType.agent.name();
        String agentId = f.agentId().toString();
        DomainEvent run = new DomainEvent(EventType.RUN_FINISHED, f.companyId(), actor, agentId, "run", f.runId().toString(),
                new EventPayloads.RunFinished(f.runId(), h.task(), f.agentId(), h.project(), h.team(), "succeeded", req.summary(),
                        RunService.usage(req.usage())));
        DomainEvent status = new DomainEvent(EventType.TASK_STATUS_CHANGED, f.companyId(), actor, agentId, "task", h.task().toString(),
                new EventPayloads.TaskStatusChanged(h.task(), h.identifier(), TaskStatus.in_progress.name(), h.to(), h.action(),
                        req.summary(), req.leaseEpoch(), -1, -1));
        DomainEvent lease = new DomainEvent(EventType.LEASE_RELEASED, f.companyId(), actor, agentId, "lease", h.lease().toString(),
                new EventPayloads.LeaseChanged(h.lease(), h.task(), f.agentId(), f.runId(), req.leaseEpoch(), "work", null));
        return new Prepared(h, outbox.prepare(run), outbox.prepare(status), outbox.prepare(lease));
    }

    private Uni<List<Uni<Row>>> finishBatch(UUID companyId, List<Finish> batch) {
        int size = batch.size();
        List<Integer> sent = new ArrayList<>(size);
        List<Prepared> prepared = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            Prepared p = prepare(batch.get(i));
            if (p.holesIntact()) {
                sent.add(i);
                prepared.add(p);
            } else {
                LOG.warnf("an event of the finish fast path lost a placeholder; finishes take the general path");
            }
        }
        if (sent.isEmpty()) {
            metrics.holderBatch("finish", size, 0);
            return Uni.createFrom().item(RequestCoalescer.nullAnswers(size));
        }
        int n = sent.size();
        UUID[] runs = new UUID[n];
        UUID[] agents = new UUID[n];
        Long[] epochs = new Long[n];
        String[] summaries = new String[n];
        String[] commits = new String[n];
        String[] files = new String[n];
        Integer[] prNumbers = new Integer[n];
        String[] prUrls = new String[n];
        String[] branches = new String[n];
        String[] bases = new String[n];
        String[] targets = new String[n];
        String[] merges = new String[n];
        String[] usages = new String[n];
        UUID[] runEvents = new UUID[n];
        String[] runPayloads = new String[n];
        UUID[] statusEvents = new UUID[n];
        String[] statusPayloads = new String[n];
        UUID[] leaseEvents = new UUID[n];
        String[] leasePayloads = new String[n];
        UUID[] phTask = new UUID[n];
        UUID[] phLease = new UUID[n];
        UUID[] phProject = new UUID[n];
        UUID[] phTeam = new UUID[n];
        for (int j = 0; j < n; j++) {
            Finish f = batch.get(sent.get(j));
            RunApi.FinishRequest req = f.request();
            Prepared p = prepared.get(j);
            runs[j] = f.runId();
            agents[j] = f.agentId();
            epochs[j] = req.leaseEpoch();
            summaries[j] = req.summary();
            commits[j] = new JsonArray(req.commits() == null ? List.of() : req.commits()).encode();
            files[j] = new JsonArray(req.filesModified() == null ? List.of() : req.filesModified()).encode();
            prNumbers[j] = req.prNumber();
            prUrls[j] = req.prUrl();
            branches[j] = req.branchName();
            bases[j] = req.baseBranch();
            targets[j] = req.targetBranch();
            merges[j] = req.mergeOutcome();
            usages[j] = req.usage() == null ? null : JsonObject.mapFrom(req.usage()).encode();
            runEvents[j] = p.run().eventId();
            runPayloads[j] = p.run().json();
            statusEvents[j] = p.status().eventId();
            statusPayloads[j] = p.status().json();
            leaseEvents[j] = p.lease().eventId();
            leasePayloads[j] = p.lease().json();
            phTask[j] = p.holes().task();
            phLease[j] = p.holes().lease();
            phProject[j] = p.holes().project();
            phTeam[j] = p.holes().team();
        }
        Tuple params = Tuple.tuple().addUUID(companyId)
                .addArrayOfUUID(runs).addArrayOfUUID(agents).addArrayOfLong(epochs).addArrayOfString(summaries)
                .addArrayOfString(commits).addArrayOfString(files).addArrayOfInteger(prNumbers).addArrayOfString(prUrls)
                .addArrayOfString(branches).addArrayOfString(bases).addArrayOfString(targets).addArrayOfString(merges)
                .addArrayOfString(usages).addArrayOfUUID(runEvents).addArrayOfString(runPayloads)
                .addArrayOfUUID(statusEvents).addArrayOfString(statusPayloads).addArrayOfUUID(leaseEvents);
        for (ReviewPolicy policy : POLICIES) {
            params.addString(SUCCESS.get(policy).action().name()); // $20..$23
        }
        for (ReviewPolicy policy : POLICIES) {
            params.addString(SUCCESS.get(policy).targetFrom(TaskStatus.in_progress, null).name()); // $24..$27
        }
        params.addString(EventType.RUN_FINISHED.topic()) // $28: the three events share the topic (checked below)
                .addString(p0(prepared).run().type()).addString(p0(prepared).status().type()) // $29, $30
                .addArrayOfString(leasePayloads) // $31
                .addArrayOfUUID(phTask).addArrayOfUUID(phLease).addArrayOfUUID(phProject).addArrayOfUUID(phTeam) // $32..$35
                .addString(p0(prepared).lease().type()); // $36
        return pool.preparedQuery(FINISH_SQLS[outbox.groupsEvents() ? 1 : 0]).execute(params)
                .map(rows -> {
                    Map<Long, Row> finished = new HashMap<>();
                    for (Row row : rows) {
                        finished.put(row.getLong("q_n"), row);
                    }
                    if (!finished.isEmpty()) {
                        outbox.appendedElsewhere();
                    }
                    metrics.holderBatch("finish", size, finished.size());
                    List<Uni<Row>> answers = RequestCoalescer.nullAnswers(size);
                    for (int j = 0; j < n; j++) {
                        answers.set(sent.get(j), Uni.createFrom().item(finished.get((long) j + 1)));
                    }
                    return answers;
                })
                .onFailure().recoverWithItem(failure -> {
                    // one statement: a failure changed nothing, and the general path decides each request on its own
                    LOG.warnf("a batch of %d finishes went the general path: %s", n, failure.getMessage());
                    metrics.holderBatch("finish", size, 0);
                    return RequestCoalescer.nullAnswers(size);
                });
    }

    /** The review policies in the order of the statement's parameters ($20.. none, pm, qa, full). */
    private static final ReviewPolicy[] POLICIES = {ReviewPolicy.none, ReviewPolicy.pm, ReviewPolicy.qa, ReviewPolicy.full};

    static {
        if (!EventType.RUN_FINISHED.topic().equals(EventType.TASK_STATUS_CHANGED.topic())
                || !EventType.RUN_FINISHED.topic().equals(EventType.LEASE_RELEASED.topic())) {
            throw new IllegalStateException("the finish's events are written to one topic");
        }
    }

    private static Prepared p0(List<Prepared> prepared) {
        return prepared.get(0);
    }

}
