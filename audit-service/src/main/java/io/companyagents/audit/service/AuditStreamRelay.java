package io.companyagents.audit.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.companyagents.audit.domain.AuditChain;
import io.companyagents.platform.events.KafkaSend;
import io.companyagents.platform.events.Topics;
import io.companyagents.platform.outbox.DrainLoop;
import io.companyagents.platform.outbox.OutboxRelay;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Publishes the audit trail on {@code ca.audit.v1} straight from {@code audit_events}, each
 * company's chain in seq order, remembering per company how far it got ({@code audit_stream}).
 * An event is stored once: there is no outbox copy of it.
 * <p>
 * A chain's seqs are gap-free and its appends serialise on its head, so "every event after the
 * published seq, up to the head" is exactly what is left to publish, whatever order other
 * companies' appends commit in. One relay drains at a time across replicas (a
 * transaction-scoped advisory lock); the published seq moves only after the broker acknowledged
 * the events, so a crash in between publishes them again rather than loses them (the stream's
 * consumers key on the event id and the audit seq).
 * <p>
 * The appender wakes the relay after each commit with the companies it appended to, and the
 * drain then reads only those chains; a slow timer reads all of them, which also picks up other
 * replicas' appends and anything a failed drain left behind.
 */
@ApplicationScoped
public class AuditStreamRelay {

    private static final Logger LOG = Logger.getLogger(AuditStreamRelay.class);

    private static final String LOCK = "with relay as (select pg_try_advisory_xact_lock(hashtext(current_schema() || '.audit_stream'))"
            + " as locked, set_config('synchronous_commit', 'off', true) as relaxed),";

    /** The chains with unpublished events, and up to {@code $1} of those events, each chain's in seq order. */
    private static String pendingSql(boolean onlyGiven) {
        return LOCK + " pending as (select h.company_id, coalesce(s.published_seq, 0) as published, h.seq as head"
                + " from relay, audit_heads h left join audit_stream s on s.company_id = h.company_id"
                + " where relay.locked and h.seq > coalesce(s.published_seq, 0)"
                + (onlyGiven ? " and h.company_id = any($2)" : "") + " order by h.company_id limit $1)"
                + " select p.published, e.company_id, e.seq, e.event_id, e.type, e.source, e.occurred_at, e.actor_type,"
                + " e.actor_id, e.subject_type, e.subject_id, e.data::text as data, e.prev_hash, e.hash"
                + " from pending p cross join lateral (select * from audit_events e where e.company_id = p.company_id"
                + " and e.seq > p.published and e.seq <= p.head order by e.seq limit $1) e"
                + " order by e.company_id, e.seq limit $1";
    }

    private static final String PENDING_ALL_SQL = pendingSql(false);
    private static final String PENDING_GIVEN_SQL = pendingSql(true);
    private static final String MARK_SQL = "insert into audit_stream (company_id, published_seq)"
            + " select * from unnest($1::uuid[], $2::bigint[]) on conflict (company_id)"
            + " do update set published_seq = greatest(audit_stream.published_seq, excluded.published_seq)";

    @Inject
    Pool pool;

    @Inject
    Vertx vertx;

    @Inject
    ObjectMapper mapper;

    @Inject
    @Channel("outbox") // the service's one producer, shared with the outbox relay
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192)
    Emitter<String> emitter;

    @ConfigProperty(name = "company-agents.audit.stream.enabled", defaultValue = "true")
    boolean enabled;

    @ConfigProperty(name = "company-agents.outbox.batch-size", defaultValue = OutboxRelay.DEFAULT_BATCH_SIZE)
    int batchSize;

    @ConfigProperty(name = "company-agents.outbox.poll-interval", defaultValue = OutboxRelay.DEFAULT_POLL_INTERVAL)
    Duration pollInterval;

    @ConfigProperty(name = "company-agents.outbox.linger", defaultValue = OutboxRelay.DEFAULT_LINGER)
    Duration linger;

    /** Companies appended to since the last drain read them; {@link #ALL} asks for every chain. */
    private final Set<UUID> dirty = ConcurrentHashMap.newKeySet();
    private static final UUID ALL = new UUID(-1, -1);
    private DrainLoop loop;
    private long timerId = -1;

    void onStart(@Observes StartupEvent ignored) {
        if (!enabled) {
            LOG.info("audit stream relay disabled");
            return;
        }
        loop = new DrainLoop("audit stream relay", linger, batchSize, this::drainOnce);
        timerId = vertx.setPeriodic(pollInterval.toMillis(), id -> appended(List.of(ALL)));
        appended(List.of(ALL));
    }

    void onStop(@Observes ShutdownEvent ignored) {
        if (loop != null) {
            loop.stop();
            vertx.cancelTimer(timerId);
        }
    }

    /** Called after a commit that appended to these companies' chains. */
    public void appended(Collection<UUID> companies) {
        if (loop == null) {
            return;
        }
        dirty.addAll(companies);
        loop.wake();
    }

    /** Publishes one batch; answers how many events were published (0 if another replica holds the lock). */
    Uni<Integer> drainOnce() {
        List<UUID> taken = new ArrayList<>(dirty);
        dirty.removeAll(taken);
        if (taken.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        boolean all = taken.contains(ALL);
        return pool.withTransaction(tx -> (all
                        ? tx.preparedQuery(PENDING_ALL_SQL).execute(Tuple.of(batchSize))
                        : tx.preparedQuery(PENDING_GIVEN_SQL).execute(Tuple.of(batchSize, taken.toArray(UUID[]::new))))
                        .chain(rows -> publish(tx, rows)))
                .invoke(published -> {
                    if (published >= batchSize) {
                        dirty.addAll(taken); // more may be left in these chains: the next drain looks again
                    }
                })
                .onFailure().invoke(f -> dirty.addAll(taken));
    }

    private Uni<Integer> publish(SqlConnection tx, RowSet<Row> rows) {
        if (rows.size() == 0) {
            return Uni.createFrom().item(0);
        }
        // each chain's events from its published seq on, without a gap: only such a run may move the mark
        Map<UUID, Long> upTo = new LinkedHashMap<>();
        List<CompletableFuture<Void>> acks = new ArrayList<>(rows.size());
        for (Row row : rows) {
            UUID company = row.getUUID("company_id");
            long seq = row.getLong("seq");
            long expected = upTo.getOrDefault(company, row.getLong("published")) + 1;
            if (seq != expected) {
                continue;
            }
            upTo.put(company, seq);
            acks.add(send(row));
        }
        return Uni.createFrom().completionStage(CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)))
                .ifNoItem().after(Duration.ofSeconds(30)).fail()
                .chain(() -> tx.preparedQuery(MARK_SQL).execute(Tuple.of(upTo.keySet().toArray(UUID[]::new),
                        upTo.values().toArray(Long[]::new))))
                .replaceWith(acks.size());
    }

    private CompletableFuture<Void> send(Row row) {
        return KafkaSend.cloudEvent(emitter, Topics.AUDIT, row.getUUID("company_id").toString(), streamEvent(row));
    }

    /** The canonical stream on ca.audit.v1: the original CloudEvent plus its place in the chain. */
    private String streamEvent(Row r) {
        ObjectNode ce = mapper.createObjectNode();
        String source = r.getString("source");
        String subjectType = r.getString("subject_type");
        ce.put("specversion", "1.0");
        ce.put("id", r.getUUID("event_id").toString());
        ce.put("source", source == null ? "/audit-service" : source);
        ce.put("type", r.getString("type"));
        if (subjectType != null) {
            ce.put("subject", subjectType + "/" + r.getString("subject_id"));
        }
        ce.put("time", AuditChain.instant(r.getOffsetDateTime("occurred_at")));
        ce.put("datacontenttype", "application/json");
        ce.put("companyid", r.getUUID("company_id").toString());
        ce.put("actortype", r.getString("actor_type"));
        ce.put("actorid", r.getString("actor_id"));
        ce.put("subjecttype", subjectType);
        ce.put("subjectid", r.getString("subject_id"));
        ce.put("auditseq", r.getLong("seq"));
        ce.put("audithash", r.getString("hash"));
        ce.put("auditprevhash", r.getString("prev_hash"));
        String data = r.getString("data");
        if (data == null) {
            ce.putNull("data");
        } else {
            ce.putRawValue("data", new RawValue(data));
        }
        return ce.toString();
    }
}
