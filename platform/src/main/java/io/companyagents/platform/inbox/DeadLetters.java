package io.companyagents.platform.inbox;

import io.companyagents.platform.events.KafkaSend;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Emitter;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Parks a record a batch consumer cannot apply on the dead-letter topic, with where it came
 * from and why in headers (the same headers SmallRye's per-message dead-letter strategy
 * writes), so the rest of the batch can go on. The send is acknowledged before the batch's
 * offsets are committed.
 */
public final class DeadLetters {

    private DeadLetters() {
    }

    public static CompletableFuture<Void> send(Emitter<String> deadLetters, ConsumerRecord<String, String> record, String reason) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("dead-letter-reason", reason.getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-topic", record.topic().getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-partition", Integer.toString(record.partition()).getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-offset", Long.toString(record.offset()).getBytes(StandardCharsets.UTF_8));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(record.key()).withHeaders(headers).build();
        return KafkaSend.acknowledged(deadLetters, record.value() == null ? "" : record.value(), metadata);
    }

    /** Completes when every one of the sends has been acknowledged. */
    public static Uni<Void> all(List<CompletableFuture<Void>> sends) {
        return sends.isEmpty() ? Uni.createFrom().voidItem()
                : Uni.createFrom().completionStage(CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)));
    }
}
