package io.companyagents.platform.outbox;

import io.companyagents.platform.events.KafkaSend;
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
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Publishes committed outbox rows to Kafka in id order (a row holding a transaction's events as an
 * {@link OutboxGroup} as one record per event, in order), then marks them sent (kept for the
 * retention period, so what was published recently can be inspected) or, with a zero retention,
 * deletes them: the choice for a busy service, since marking rewrites the row, payload included,
 * with new index entries, where a delete writes a few bytes (Kafka keeps what was published).
 * <p>
 * One relay drains at a time across all replicas (a transaction-scoped advisory lock), which
 * keeps per-company order; a row is marked sent (or deleted) only after the broker acknowledged it, so a
 * crash in between republishes rather than loses (consumers are idempotent). An in-process
 * signal from {@link Outbox} wakes the relay within milliseconds of a write (it keeps looking
 * for a short window, to catch the commit that follows the write); a slow timer is the
 * fallback that also picks up other replicas' rows.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    /** Defaults of the relay settings, shared with the other relays that read the same settings. */
    public static final String DEFAULT_BATCH_SIZE = "500";
    public static final String DEFAULT_POLL_INTERVAL = "PT1S";
    public static final String DEFAULT_LINGER = "PT0.025S";

    /** The outgoing channel whose producer publishes a service's events (the audit stream relay shares it). */
    public static final String CHANNEL = "outbox";

    @Inject
    Pool pool;

    @Inject
    OutboxMetrics metrics;

    @Inject
    Vertx vertx;

    /**
     * Not sent through (see {@link KafkaSend#publishAll}), but its injection is what makes the
     * connector create the channel's producer, which the relay then uses.
     */
    @Inject
    @Channel(CHANNEL)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192)
    Emitter<String> emitter;

    @Inject
    KafkaClientService kafka;

    @ConfigProperty(name = "company-agents.outbox.relay.enabled", defaultValue = "true")
    boolean enabled;

    @ConfigProperty(name = "company-agents.outbox.batch-size", defaultValue = DEFAULT_BATCH_SIZE)
    int batchSize;

    @ConfigProperty(name = "company-agents.outbox.poll-interval", defaultValue = DEFAULT_POLL_INTERVAL)
    Duration pollInterval;

    /** How long a wake-up waits before draining, to publish a busy moment's commits in one batch. */
    @ConfigProperty(name = "company-agents.outbox.linger", defaultValue = DEFAULT_LINGER)
    Duration linger;

    @ConfigProperty(name = "company-agents.outbox.retention", defaultValue = "PT1H")
    Duration retention;

    private static final long SIGNAL_CHECK_MILLIS = 10;
    private static final long SIGNAL_WINDOW_NANOS = 200_000_000L;

    @Inject
    OutboxSignal signal;

    private long timerId = -1;
    private long signalTimerId = -1;
    private long cleanupTimerId = -1;

    private DrainLoop loop;

    void onStart(@Observes StartupEvent ignored) {
        if (!enabled) {
            LOG.info("outbox relay disabled");
            return;
        }
        loop = new DrainLoop("outbox relay", linger, batchSize, this::drainOnce);
        timerId = vertx.setPeriodic(pollInterval.toMillis(), id -> wake());
        signalTimerId = vertx.setPeriodic(SIGNAL_CHECK_MILLIS, id -> {
            // drain while writes are recent: a write's commit lands a moment after the write itself
            if (System.nanoTime() - signal.lastAppendNanos() < SIGNAL_WINDOW_NANOS) {
                wake();
            }
        });
        cleanupTimerId = vertx.setPeriodic(60_000, id -> pruneSent());
        wake();
    }

    void onStop(@Observes ShutdownEvent ignored) {
        if (loop != null) {
            loop.stop();
            vertx.cancelTimer(timerId);
            vertx.cancelTimer(signalTimerId);
            vertx.cancelTimer(cleanupTimerId);
        }
    }

    /** Asks for a drain; coalesces wake-ups while one is running. */
    public void wake() {
        if (loop != null) {
            loop.wake();
        }
    }

    /**
     * Publishes one batch; answers how many events were published (0 if another replica holds the
     * lock). Taking the lock and reading the batch is one statement. Marking (or deleting) rows commits
     * asynchronously: a mark or delete lost in a crash only means those rows are published again, which
     * the relay already allows (consumers are idempotent), so no relay drain waits for a WAL flush.
     */
    Uni<Integer> drainOnce() {
        return pool.withTransaction(conn -> conn.query(PLAN_SETTINGS_SQL).execute().chain(() -> publishBatch(conn)));
    }

    /**
     * The outbox is a queue: vacuum often finds it empty, and a plan made then (the services plan
     * each statement once, generically) scans the table and sorts it. Under load the table holds
     * every row deleted since the last vacuum (thousands of pages around a few hundred live rows),
     * so such a plan would read all of them for every batch. The relay's statements read the
     * indexes whatever the statistics say.
     */
    static final String PLAN_SETTINGS_SQL = "set local enable_seqscan = off";

    /** The relay's batch read and its delete, for plan checks. */
    public static List<String> statements() {
        return List.of(LOCK_AND_READ_SQL, DELETE_SQL);
    }

    /** The setting the relay's transaction plans its statements under, for plan checks. */
    public static String planSettings() {
        return PLAN_SETTINGS_SQL;
    }

    private static final String LOCK_AND_READ_SQL = "with relay as (select pg_try_advisory_xact_lock(hashtext(current_schema() || '.outbox')) as locked,"
            + " set_config('synchronous_commit', 'off', true) as relaxed)"
            + " select id, topic, company_id, event_type, payload, created_at from outbox, relay"
            + " where relay.locked and sent_at is null order by id limit $1";

    private static final String DELETE_SQL = "delete from outbox where id = any($1)";
    private static final String MARK_SENT_SQL = "update outbox set sent_at = now() where id = any($1)";

    /**
     * Publishes the rows read, each group's events as records of their own, in order, up to
     * {@code batchSize} events (at least one row): rows past that stay for the next drain, untouched.
     */
    private Uni<Integer> publishBatch(SqlConnection conn) {
        return conn.preparedQuery(LOCK_AND_READ_SQL)
                .execute(Tuple.of(batchSize))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(0);
                    }
                    // every row taken is split before any record is sent: a row that cannot be is refused whole
                    List<Long> ids = new ArrayList<>(rows.size());
                    List<Row> taken = new ArrayList<>(rows.size());
                    List<List<OutboxGroup.Event>> split = new ArrayList<>(rows.size());
                    int events = 0;
                    for (Row row : rows) {
                        if (!ids.isEmpty() && events >= batchSize) {
                            break;
                        }
                        List<OutboxGroup.Event> of = OutboxGroup.events(row.getString("event_type"), row.getString("payload"));
                        ids.add(row.getLong("id"));
                        taken.add(row);
                        split.add(of);
                        events += of.size();
                    }
                    List<ProducerRecord<String, String>> records = new ArrayList<>(events);
                    List<OutboxMetrics.Published> published = new ArrayList<>(events);
                    for (int i = 0; i < taken.size(); i++) {
                        Row row = taken.get(i);
                        String topic = row.getString("topic");
                        String key = row.getUUID("company_id").toString();
                        OffsetDateTime created = row.getOffsetDateTime("created_at");
                        for (OutboxGroup.Event event : split.get(i)) {
                            records.add(KafkaSend.cloudEventRecord(topic, key, event.type(), event.json()));
                            published.add(new OutboxMetrics.Published(topic, event.type(), created));
                        }
                    }
                    return KafkaSend.publishAll(KafkaSend.producer(kafka, CHANNEL), records)
                            .ifNoItem().after(Duration.ofSeconds(30)).fail()
                            .chain(() -> conn.preparedQuery(retention.isZero() ? DELETE_SQL : MARK_SENT_SQL)
                                    .execute(Tuple.of(ids.toArray(Long[]::new))))
                            .invoke(() -> metrics.published(published))
                            .replaceWith(records.size());
                });
    }

    private void pruneSent() {
        pool.preparedQuery("delete from outbox where sent_at < now() - make_interval(secs => $1)")
                .execute(Tuple.of((double) retention.toSeconds()))
                .subscribe().with(r -> { }, f -> LOG.debugf("outbox prune skipped: %s", f.getMessage()));
    }
}
