package io.companyagents.tasks.service;

import io.companyagents.platform.events.DomainEvent;
import io.companyagents.platform.events.EventPayloads;
import io.companyagents.platform.events.EventType;
import io.companyagents.platform.identity.ActorType;
import io.companyagents.platform.outbox.Outbox;
import io.companyagents.platform.outbox.OutboxGroup;
import io.companyagents.tasks.config.TasksConfig;
import io.companyagents.tasks.domain.Task;
import io.companyagents.tasks.domain.TaskAction;
import io.companyagents.tasks.domain.TaskStatus;
import io.companyagents.tasks.repository.TaskRows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The holder's start, the commonest action after claims, as one statement that also writes its
 * event: the lifecycle table's only start is the holder's, from {@code claimed}, and what makes
 * the caller the holder — its lease, live, with this fencing token — is the statement's condition.
 * <p>
 * The {@code task.status_changed} event is serialized here before the statement runs, with holes
 * where the values only the updated row knows go (identifier, attempts, version); the statement
 * fills them from the row it updated and inserts the event into the outbox in the same statement,
 * so the start and its event commit together without an explicit transaction: one round trip, no
 * {@code BEGIN}/{@code COMMIT}. Starts arriving for one company while another batch is in flight go
 * together as one statement.
 * <p>
 * A request whose task is not so (another state, a stale token, an expired lease, someone else's
 * lease) changes nothing here and is answered null: the caller takes the general path, which says why.
 */
@ApplicationScoped
public class HolderStarts {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(HolderStarts.class);

    /** What the holder asks for. */
    public record Start(UUID companyId, UUID taskId, UUID agentId, long leaseEpoch, Integer prNumber, String prUrl,
                        String branchName, String reason) {
    }

    /** The holes in a serialized event, each as Jackson writes the key and its placeholder value. */
    static final String IDENTIFIER_HOLE = "\"identifier\":\"{identifier}\"";
    static final String ATTEMPTS_HOLE = EventHoles.ATTEMPTS;
    static final String VERSION_HOLE = EventHoles.VERSION;

    /**
     * The start of every request of a batch ({@code n} numbers them), and its event. A task named
     * twice in one batch is updated once (Postgres uses one of the matching request rows), so the
     * other request finds nothing and takes the general path.
     */
    private static final String START_SQL = "with req as (select * from unnest($2::uuid[], $3::uuid[], $4::bigint[],"
            + "   $5::int[], $6::text[], $7::text[], $8::uuid[], $9::text[]) with ordinality"
            + "   as r(id, agent_id, epoch, pr_number, pr_url, branch_name, event_id, payload, n)),"
            + " u as (update tasks t set status = 'in_progress', pr_number = coalesce(req.pr_number, t.pr_number),"
            + "   pr_url = coalesce(req.pr_url, t.pr_url), branch_name = coalesce(req.branch_name, t.branch_name),"
            + "   version = t.version + 1, updated_at = now()"
            + "   from req where t.id = req.id and t.company_id = $1 and t.status = 'claimed' and t.lease_agent_id = req.agent_id"
            + "   and t.lease_epoch = req.epoch and (t.lease_expires_at > now()) is true"
            + "   returning " + TaskRows.COLUMNS + ", req.n, req.event_id,"
            + "   " + EventHoles.fillKey(EventHoles.fillKey(EventHoles.fillKey("req.payload", IDENTIFIER_HOLE, "to_json(t.identifier)::text"),
                    ATTEMPTS_HOLE, "t.attempts"), VERSION_HOLE, "t.version") + " as event),"
            + " o as (insert into outbox (event_id, topic, company_id, event_type, payload)"
            + "%s)"
            + " select * from u";

    /** The start with its events as one outbox row ({@code [1]}) or as a row each ({@code [0]}, see {@link Outbox#groupsEvents()}). */
    private static final String[] START_SQLS = {
            START_SQL.formatted("   select event_id, $10, $1, $11, event from u order by n"),
            START_SQL.formatted("   " + OutboxGroup.sqlRow("event_id", "$10", "$1", "$11::text", "event", "n") + " from u having count(*) > 0")};

    /**
     * The lease's liveness is tested as {@code (…) is true}, which no index can answer: a bare
     * {@code lease_expires_at > now()} could let a generic plan walk the lease-expiry index (the live
     * leases and every dead entry churn has left there) and filter by id, instead of the primary key.
     */
    public static String sql() {
        return START_SQLS[1];
    }

    @Inject
    Pool pool;

    @Inject
    Outbox outbox;

    @Inject
    TasksConfig config;

    @Inject
    TaskMetrics metrics;

    private RequestCoalescer<UUID, Start, Task> coalescer;

    @PostConstruct
    void init() {
        coalescer = new RequestCoalescer<>(Math.max(1, config.startBatchSize()), this::startBatch);
    }

    /** Starts the task if the caller holds its live lease with this token; null (nothing changed) otherwise. */
    public Uni<Task> start(Start start) {
        return coalescer.submit(start.companyId(), start);
    }

    /** The event of a start, its holes still open. */
    static DomainEvent event(Start s) {
        return new DomainEvent(EventType.TASK_STATUS_CHANGED, s.companyId(), ActorType.agent.name(), s.agentId().toString(),
                "task", s.taskId().toString(), new EventPayloads.TaskStatusChanged(s.taskId(), "{identifier}",
                TaskStatus.claimed.name(), TaskStatus.in_progress.name(), TaskAction.start.name(), s.reason(),
                s.leaseEpoch(), -1, -1));
    }

    /** The statement's parameters for a batch of one company's starts. */
    Tuple parameters(UUID companyId, List<Start> batch) {
        int size = batch.size();
        UUID[] ids = new UUID[size];
        UUID[] agents = new UUID[size];
        Long[] epochs = new Long[size];
        Integer[] prNumbers = new Integer[size];
        String[] prUrls = new String[size];
        String[] branches = new String[size];
        UUID[] eventIds = new UUID[size];
        String[] payloads = new String[size];
        for (int i = 0; i < size; i++) {
            Start s = batch.get(i);
            Outbox.Prepared event = outbox.prepare(event(s));
            if (!EventHoles.once(event.json(), IDENTIFIER_HOLE) || !EventHoles.once(event.json(), ATTEMPTS_HOLE)
                    || !EventHoles.once(event.json(), VERSION_HOLE)) {
                throw new IllegalStateException("a start event lost a placeholder in serialization");
            }
            ids[i] = s.taskId();
            agents[i] = s.agentId();
            epochs[i] = s.leaseEpoch();
            prNumbers[i] = s.prNumber();
            prUrls[i] = s.prUrl();
            branches[i] = s.branchName();
            eventIds[i] = event.eventId();
            payloads[i] = event.json();
        }
        return Tuple.tuple().addUUID(companyId).addArrayOfUUID(ids).addArrayOfUUID(agents).addArrayOfLong(epochs)
                .addArrayOfInteger(prNumbers).addArrayOfString(prUrls).addArrayOfString(branches)
                .addArrayOfUUID(eventIds).addArrayOfString(payloads)
                .addString(EventType.TASK_STATUS_CHANGED.topic()).addString(EventType.TASK_STATUS_CHANGED.type());
    }

    private Uni<List<Uni<Task>>> startBatch(UUID companyId, List<Start> batch) {
        return pool.preparedQuery(START_SQLS[outbox.groupsEvents() ? 1 : 0]).execute(parameters(companyId, batch)).map(rows -> {
            Map<Long, Task> started = new HashMap<>();
            for (Row row : rows) {
                started.put(row.getLong("n"), TaskRows.map(row));
            }
            if (!started.isEmpty()) {
                outbox.appendedElsewhere();
            }
            metrics.holderBatch("start", batch.size(), started.size());
            List<Uni<Task>> answers = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                answers.add(Uni.createFrom().item(started.get((long) i + 1)));
            }
            return answers;
        }).onFailure().recoverWithItem(failure -> {
            // one statement: a failure changed nothing, and the general path decides each request on its own
            LOG.warnf("a batch of %d starts went the general path: %s", batch.size(), failure.getMessage());
            metrics.holderBatch("start", batch.size(), 0);
            return RequestCoalescer.<Task>nullAnswers(batch.size());
        });
    }
}
