package io.companyagents.audit.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * The audit trail's figures for operators:
 * <ul>
 *   <li>{@code company_agents_audit_appended_total}: events appended to the hash chains;</li>
 *   <li>{@code company_agents_audit_redelivered_total}: events received again and skipped (inbox);</li>
 *   <li>{@code company_agents_audit_append_lag_seconds}: from the event's time (its producer's commit)
 *       to its append here, the end-to-end delay of the audit trail.</li>
 * </ul>
 */
@ApplicationScoped
public class AuditMetrics {

    @Inject
    MeterRegistry registry;

    private Counter appended;
    private Counter redelivered;
    private Timer lag;

    @PostConstruct
    void register() {
        appended = Counter.builder("company_agents.audit.appended").description("Events appended to the audit trail")
                .register(registry);
        redelivered = Counter.builder("company_agents.audit.redelivered")
                .description("Events delivered again and skipped as already appended").register(registry);
        lag = Timer.builder("company_agents.audit.append.lag")
                .description("From an event's time (its producer's commit) to its append to the audit trail")
                .serviceLevelObjectives(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
                        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5),
                        Duration.ofSeconds(30), Duration.ofMinutes(5))
                .register(registry);
    }

    /**
     * A polled batch was stored: {@code stored} of its events were new. The lag is recorded when
     * every event of the batch was new (a redelivered event's time says nothing about the trail's delay).
     */
    public void appended(List<AuditAppender.Incoming> batch, int stored) {
        appended.increment(stored);
        if (stored < batch.size()) {
            redelivered.increment(batch.size() - stored);
            return;
        }
        OffsetDateTime now = OffsetDateTime.now();
        for (AuditAppender.Incoming event : batch) {
            Duration d = Duration.between(event.occurredAt(), now);
            lag.record(d.isNegative() ? Duration.ZERO : d);
        }
    }
}
