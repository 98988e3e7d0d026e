package io.companyagents.platform.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * {@code company_agents_dead_letters_total}: events this service parked on {@code ca.dlq.v1}.
 * <p>
 * Dead letters are written by Kafka producers of their own — SmallRye's dead-letter-queue
 * failure strategy (client id {@code kafka-dead-letter-topic-producer-<consumer>}) and a
 * service's own {@code dead-letters} channel (client id {@code kafka-producer-dead-letters}) —
 * whose client metrics Quarkus binds to Micrometer. This counter sums their
 * {@code record-send-total}, so no consumer needs to count anything itself.
 */
@ApplicationScoped
public class DeadLetterMetrics {

    static final String SEND_TOTAL = "kafka.producer.record.send.total";

    @Inject
    MeterRegistry registry;

    void onStart(@Observes StartupEvent ignored) {
        FunctionCounter.builder("company_agents.dead.letters", registry, DeadLetterMetrics::sum)
                .description("Events parked on the dead-letter topic (records sent by this service's dead-letter producers)")
                .register(registry);
    }

    static boolean deadLetterProducer(String clientId) {
        return clientId != null && (clientId.startsWith("kafka-dead-letter-topic-producer-")
                || clientId.equals("kafka-producer-dead-letters"));
    }

    static double sum(MeterRegistry registry) {
        double total = 0;
        for (Meter meter : registry.find(SEND_TOTAL).meters()) {
            Meter.Id id = meter.getId();
            if (deadLetterProducer(id.getTag("client.id")) || deadLetterProducer(id.getTag("client_id"))) {
                for (Measurement m : meter.measure()) {
                    if (!Double.isNaN(m.getValue())) {
                        total += m.getValue();
                    }
                    break;
                }
            }
        }
        return total;
    }
}
