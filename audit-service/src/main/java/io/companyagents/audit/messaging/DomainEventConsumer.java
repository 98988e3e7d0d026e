package io.companyagents.audit.messaging;

import io.companyagents.audit.service.AuditAppender;
import io.companyagents.audit.service.PoisonEventException;
import io.smallrye.mutiny.Uni;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;

/**
 * Consumes every domain topic into the audit trail. Transient failures (the database away)
 * are retried with back-off; a poison event fails at once and the connector moves it to the
 * dead-letter topic, and the channel keeps running.
 */
@ApplicationScoped
public class DomainEventConsumer {

    private static final Logger LOG = Logger.getLogger(DomainEventConsumer.class);

    @Inject
    AuditAppender appender;

    @Incoming("domain-events")
    public Uni<Void> consume(ConsumerRecord<String, String> record) {
        AuditAppender.Incoming event;
        try {
            event = appender.parse(record.value());
        } catch (PoisonEventException e) {
            LOG.warnf("poison event at %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), e.getMessage());
            return Uni.createFrom().failure(e);
        }
        return appender.append(event)
                .onFailure(f -> !(f instanceof PoisonEventException)).retry()
                .withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).atMost(30)
                .replaceWithVoid();
    }
}
