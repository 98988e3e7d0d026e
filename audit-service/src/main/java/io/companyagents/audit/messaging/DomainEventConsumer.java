package io.companyagents.audit.messaging;

import io.companyagents.audit.service.AuditAppender;
import io.companyagents.platform.inbox.DeadLetters;
import io.companyagents.platform.inbox.PoisonEventException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Consumes every domain topic into the audit trail, a polled batch per transaction. A poison
 * event (not a readable CloudEvent) is moved to the dead-letter topic with the reason in a
 * header and the rest of the batch goes on; a transient failure (the database away) retries
 * the whole batch with back-off, and offsets are committed only after it is stored.
 */
@ApplicationScoped
public class DomainEventConsumer {

    private static final Logger LOG = Logger.getLogger(DomainEventConsumer.class);

    @Inject
    AuditAppender appender;

    @Inject
    io.companyagents.audit.service.AuditMetrics metrics;

    @Inject
    @Channel("dead-letters")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1024)
    Emitter<String> deadLetters;

    @Incoming("domain-events")
    public Uni<Void> consume(ConsumerRecords<String, String> records) {
        List<AuditAppender.Incoming> events = new ArrayList<>(records.count());
        List<CompletableFuture<Void>> parked = new ArrayList<>();
        for (ConsumerRecord<String, String> record : records) {
            try {
                events.add(appender.parse(record.value()));
            } catch (PoisonEventException e) {
                LOG.warnf("poison event at %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), e.getMessage());
                parked.add(DeadLetters.send(deadLetters, record, e.getMessage()));
            }
        }
        return DeadLetters.all(parked).chain(() -> appender.appendAll(events)
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).atMost(60))
                .invoke(stored -> metrics.appended(events, stored))
                .replaceWithVoid();
    }
}
