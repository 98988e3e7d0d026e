package io.companyagents.audit.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.companyagents.audit.domain.AuditChain;
import io.companyagents.platform.events.KafkaSend;
import io.companyagents.platform.events.Topics;
import io.companyagents.platform.outbox.DrainLoop;
import io.companyagents.platform.outbox.OutboxRelay;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
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
 * The appender hands the relay what it just committed. A drain then reads only the marks and heads of
 * those chains, and a chain whose unpublished events are exactly the ones in memory (the usual case)
 * is published from memory; any other chain (a gap: another replica's appends, a restart, a drain that
 * failed, memory full) is read back from {@code audit_events}. Either way the published seq moves under
 * the same lock and only past a gap-free run, so what is published does not depend on the path. A slow
 * timer reads every chain, which also picks up other replicas' appends and anything a failed drain left
 * behind.
 */
@ApplicationScoped
public class AuditStreamRelay {

    private static final Logger LOG = Logger.getLogger(AuditStreamRelay.class);

    private static final String LOCK = "with relay as (select pg_try_advisory_xact_lock(hashtext(current_schema() || '.audit_stream'))"
            + " as locked, set_config('synchronous_commit', 'off', true) as relaxed),";

    /** Up to {@code $1} chains with events left to publish (all, or those in {@code $2}): published seq and head. */
    private static String marksSql(boolean onlyGiven) {
        return LOCK + " chains as (select h.company_id, coalesce(s.published_seq, 0) as published, h.seq as head"
                + " from relay, audit_heads h left join audit_stream s on s.company_id = h.company_id"
                + " where relay.locked and h.seq > coalesce(s.published_seq, 0)"
                + (onlyGiven ? " and h.company_id = any($2)" : "") + " order by h.company_id limit $1)"
                + " select company_id, published, head from chains";
    }

    private static final String MARKS_ALL_SQL = marksSql(false);
    private static final String MARKS_GIVEN_SQL = marksSql(true);

    /** Up to {@code $4} events of the chains in {@code $1}, each after {@code $2} up to {@code $3}, each chain's in seq order. */
    private static final String READ_BACK_SQL = "select e.company_id, e.seq, e.event_id, e.type, e.source, e.occurred_at,"
            + " e.actor_type, e.actor_id, e.subject_type, e.subject_id, e.data::text as data, e.prev_hash, e.hash"
            + " from unnest($1::uuid[], $2::bigint[], $3::bigint[]) as c(company_id, after, head)"
            + " cross join lateral (select * from audit_events e where e.company_id = c.company_id"
            + " and e.seq > c.after and e.seq <= c.head order by e.seq limit $4) e"
            + " order by e.company_id, e.seq limit $4";
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
    MeterRegistry registry;

    /** The service's one producer, shared with the outbox relay (which keeps the channel's emitter injected). */
    @Inject
    KafkaClientService kafka;

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
    /** Committed events not yet published, and the chains with an append under way. */
    private StreamMemory memory;
    private Counter fromMemory;
    private Counter readBack;

    /** An event of a chain as the stream publishes it: what the appender just committed, or a row read back. */
    public record Chained(UUID companyId, long seq, UUID eventId, String type, String source, OffsetDateTime occurredAt,
                          String actorType, String actorId, String subjectType, String subjectId, String data,
                          String prevHash, String hash) {
    }

    private record Published(int count, boolean maybeMore) {
    }

    /** What a drain found to publish: each chain's published seq, and its next events from memory, then read back. */
    private record Pending(Map<UUID, Long> published, List<Chained> remembered, List<Chained> read, boolean maybeMore) {
    }
    private static final UUID ALL = new UUID(-1, -1);
    private DrainLoop loop;
    private long timerId = -1;

    void onStart(@Observes StartupEvent ignored) {
        if (!enabled) {
            LOG.info("audit stream relay disabled");
            return;
        }
        fromMemory = Counter.builder("company_agents.audit.stream.published").tag("read", "memory")
                .description("Audit events published on ca.audit.v1, by where the relay took them from").register(registry);
        readBack = Counter.builder("company_agents.audit.stream.published").tag("read", "database")
                .description("Audit events published on ca.audit.v1, by where the relay took them from").register(registry);
        memory = new StreamMemory(8 * batchSize, Duration.ofSeconds(30));
        loop = new DrainLoop("audit stream relay", linger, batchSize, this::drainOnce);
        timerId = vertx.setPeriodic(pollInterval.toMillis(), id -> wake(List.of(ALL)));
        wake(List.of(ALL));
    }

    void onStop(@Observes ShutdownEvent ignored) {
        if (loop != null) {
            loop.stop();
            vertx.cancelTimer(timerId);
        }
    }

    /** An append to these chains starts (so that a drain seeing its commit waits for its events). */
    public void appending(Collection<UUID> companies) {
        if (memory != null) {
            memory.appending(companies);
        }
    }

    /**
     * The append to these chains ended: committed with these new events (each chain's in seq order),
     * or not ({@code events} null). The relay is woken for them.
     */
    public void appendEnded(Collection<UUID> companies, List<Chained> events) {
        if (memory == null) {
            return;
        }
        if (events == null) {
            memory.failed(companies);
        } else {
            memory.appended(companies, events);
        }
        wake(companies);
    }

    private void wake(Collection<UUID> companies) {
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
        if (all) {
            memory.forgetIdle();
        }
        return pool.withTransaction(tx -> unpublished(tx, all ? null : taken).chain(p -> publish(tx, p)))
                .invoke(published -> {
                    if (published.maybeMore()) {
                        dirty.addAll(taken); // more may be left in these chains: the next drain looks again
                    }
                })
                .map(Published::count)
                .onFailure().invoke(f -> dirty.addAll(taken));
    }

    /**
     * The marks of the chains with events left to publish (the given ones, or all if null), then each
     * chain's unpublished events: those memory holds without a gap from the published seq on, then the
     * rest read back. A rest that belongs to an append under way is left to the wake-up that follows it.
     */
    private Uni<Pending> unpublished(SqlConnection tx, List<UUID> companies) {
        return (companies == null ? tx.preparedQuery(MARKS_ALL_SQL).execute(Tuple.of(batchSize))
                : tx.preparedQuery(MARKS_GIVEN_SQL).execute(Tuple.of(batchSize, companies.toArray(UUID[]::new)))).chain(marks -> {
            boolean moreChains = marks.size() >= batchSize;
            Map<UUID, Long> published = new HashMap<>();
            List<Chained> remembered = new ArrayList<>();
            List<UUID> readChains = new ArrayList<>();
            List<Long> readAfter = new ArrayList<>();
            List<Long> readHead = new ArrayList<>();
            for (Row mark : marks) {
                UUID company = mark.getUUID("company_id");
                long from = mark.getLong("published");
                long head = mark.getLong("head");
                published.put(company, from);
                StreamMemory.Recall recall = memory.recall(company, from, head);
                remembered.addAll(recall.run());
                long after = recall.run().isEmpty() ? from : recall.run().get(recall.run().size() - 1).seq();
                if (after < head && !recall.appending()) {
                    readChains.add(company);
                    readAfter.add(after);
                    readHead.add(head);
                }
            }
            if (readChains.isEmpty()) {
                return Uni.createFrom().item(new Pending(published, remembered, List.of(), moreChains));
            }
            return tx.preparedQuery(READ_BACK_SQL).execute(Tuple.of(readChains.toArray(UUID[]::new),
                    readAfter.toArray(Long[]::new), readHead.toArray(Long[]::new), batchSize)).map(rows -> {
                List<Chained> read = new ArrayList<>(rows.size());
                rows.forEach(row -> read.add(chained(row)));
                return new Pending(published, remembered, read, moreChains || rows.size() >= batchSize);
            });
        });
    }

    /**
     * Sends each chain's events from its published seq on, without a gap (only such a run may move
     * the mark), waits for the broker, then moves the marks.
     */
    private Uni<Published> publish(SqlConnection tx, Pending pending) {
        Map<UUID, Long> upTo = new LinkedHashMap<>();
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        int remembered = sendRun(pending.remembered(), pending.published(), upTo, records);
        int read = sendRun(pending.read(), pending.published(), upTo, records);
        if (records.isEmpty()) {
            return Uni.createFrom().item(new Published(0, false));
        }
        return KafkaSend.publishAll(KafkaSend.producer(kafka, OutboxRelay.CHANNEL), records)
                .ifNoItem().after(Duration.ofSeconds(30)).fail()
                .chain(() -> tx.preparedQuery(MARK_SQL).execute(Tuple.of(upTo.keySet().toArray(UUID[]::new),
                        upTo.values().toArray(Long[]::new))))
                .invoke(() -> {
                    fromMemory.increment(remembered);
                    readBack.increment(read);
                })
                .replaceWith(new Published(records.size(), pending.maybeMore()));
    }

    private int sendRun(List<Chained> events, Map<UUID, Long> published, Map<UUID, Long> upTo,
                        List<ProducerRecord<String, String>> records) {
        int sent = 0;
        for (Chained e : events) {
            long expected = upTo.getOrDefault(e.companyId(), published.getOrDefault(e.companyId(), 0L)) + 1;
            if (e.seq() != expected) {
                continue;
            }
            upTo.put(e.companyId(), e.seq());
            records.add(KafkaSend.cloudEventRecord(Topics.AUDIT, e.companyId().toString(), e.type(), streamEvent(e)));
            sent++;
        }
        return sent;
    }

    private static Chained chained(Row r) {
        return new Chained(r.getUUID("company_id"), r.getLong("seq"), r.getUUID("event_id"), r.getString("type"),
                r.getString("source"), r.getOffsetDateTime("occurred_at"), r.getString("actor_type"), r.getString("actor_id"),
                r.getString("subject_type"), r.getString("subject_id"), r.getString("data"), r.getString("prev_hash"),
                r.getString("hash"));
    }

    /** The canonical stream on ca.audit.v1: the original CloudEvent plus its place in the chain. */
    private String streamEvent(Chained e) {
        ObjectNode ce = mapper.createObjectNode();
        String source = e.source();
        String subjectType = e.subjectType();
        ce.put("specversion", "1.0");
        ce.put("id", e.eventId().toString());
        ce.put("source", source == null ? "/audit-service" : source);
        ce.put("type", e.type());
        if (subjectType != null) {
            ce.put("subject", subjectType + "/" + e.subjectId());
        }
        ce.put("time", AuditChain.instant(e.occurredAt()));
        ce.put("datacontenttype", "application/json");
        ce.put("companyid", e.companyId().toString());
        ce.put("actortype", e.actorType());
        ce.put("actorid", e.actorId());
        ce.put("subjecttype", subjectType);
        ce.put("subjectid", e.subjectId());
        ce.put("auditseq", e.seq());
        ce.put("audithash", e.hash());
        ce.put("auditprevhash", e.prevHash());
        String data = e.data();
        if (data == null) {
            ce.putNull("data");
        } else {
            ce.putRawValue("data", new RawValue(data));
        }
        return ce.toString();
    }
}
