package io.companyagents.platform.outbox;

import io.companyagents.platform.metrics.DatabaseGauges;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What an operator watches of the transactional outbox, in every service:
 * <ul>
 *   <li>{@code company_agents_outbox_backlog}: committed events not yet published (gauge, from the table);</li>
 *   <li>{@code company_agents_outbox_oldest_unsent_age_seconds}: how long the oldest of them has waited;</li>
 *   <li>{@code company_agents_outbox_published_total{topic,type}}: events the relay published (broker acked);</li>
 *   <li>{@code company_agents_outbox_publish_lag_seconds}: commit to broker ack, per published event.</li>
 * </ul>
 */
@ApplicationScoped
public class OutboxMetrics {

    /** Events, not rows: a row may hold a transaction's events as an {@link OutboxGroup}. */
    static final String BACKLOG_SQL = "select coalesce(sum(1 + length(event_type) - length(replace(event_type, "
            + OutboxGroup.SQL_SEPARATOR + ", ''))), 0)::float8 as backlog,"
            + " coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as age from outbox where sent_at is null";

    @Inject
    MeterRegistry registry;

    @Inject
    DatabaseGauges gauges;

    private final Map<String, Counter> published = new ConcurrentHashMap<>();
    private final Map<String, Timer> lag = new ConcurrentHashMap<>();

    void onStart(@Observes StartupEvent ignored) {
        DatabaseGauges.Value backlog = gauges.gauge("company_agents.outbox.backlog",
                "Outbox events committed but not yet published to Kafka", null, Tags.empty());
        DatabaseGauges.Value age = gauges.gauge("company_agents.outbox.oldest.unsent.age",
                "Age of the oldest unpublished outbox row", "seconds", Tags.empty());
        gauges.refresh(BACKLOG_SQL, rows -> {
            Row row = rows.iterator().next();
            backlog.set(row.getDouble("backlog"));
            age.set(row.getDouble("age"));
        });
    }

    /** An event the broker acknowledged: its topic, type and the time its row was written. */
    public record Published(String topic, String type, OffsetDateTime created) {
    }

    /** Records a batch the broker acknowledged. */
    public void published(List<Published> events) {
        OffsetDateTime now = OffsetDateTime.now();
        for (Published event : events) {
            String topic = event.topic();
            String type = event.type();
            published.computeIfAbsent(topic + '|' + type, k -> Counter.builder("company_agents.outbox.published")
                    .description("Outbox events published to Kafka and acknowledged by the broker")
                    .tags("topic", topic, "type", type).register(registry)).increment();
            OffsetDateTime created = event.created();
            if (created != null) {
                lag.computeIfAbsent(topic, t -> Timer.builder("company_agents.outbox.publish.lag")
                                .description("Time from an outbox event's transaction to the broker's acknowledgement")
                                .tags("topic", t)
                                .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100),
                                        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
                                        Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(5))
                                .register(registry))
                        .record(Duration.between(created, now).isNegative() ? Duration.ZERO : Duration.between(created, now));
            }
        }
    }
}
