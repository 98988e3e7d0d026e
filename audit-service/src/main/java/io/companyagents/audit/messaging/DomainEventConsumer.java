package io.companyagents.audit.messaging;

import io.companyagents.audit.service.AuditAppender;
import io.companyagents.platform.inbox.PoisonEventException;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
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
                parked.add(deadLetter(record, e.getMessage()));
            }
        }
        Uni<Void> poison = parked.isEmpty() ? Uni.createFrom().voidItem()
                : Uni.createFrom().completionStage(CompletableFuture.allOf(parked.toArray(CompletableFuture[]::new)));
        return poison.chain(() -> appender.appendAll(events)
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).atMost(60))
                .invoke(stored -> metrics.appended(events, stored))
                .replaceWithVoid();
    }

    private CompletableFuture<Void> deadLetter(ConsumerRecord<String, String> record, String reason) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        RecordHeaders headers = new RecordHeaders();
        headers.add("dead-letter-reason", reason.getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-topic", record.topic().getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-partition", Integer.toString(record.partition()).getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-offset", Long.toString(record.offset()).getBytes(StandardCharsets.UTF_8));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(record.key()).withHeaders(headers).build();
        deadLetters.send(Message.of(record.value() == null ? "" : record.value(), Metadata.of(metadata),
                () -> {
                    sent.complete(null);
                    return CompletableFuture.completedFuture(null);
                },
                failure -> {
                    sent.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                }));
        return sent;
    }
}
