package io.companyagents.platform.events;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/** Sends one record through an emitter; the answer completes when the broker acknowledged it, or fails. */
public final class KafkaSend {

    private KafkaSend() {
    }

    /**
     * The record header naming the event's type, a copy of the body's {@code type}: a consumer that
     * applies a few types skips the rest without parsing their JSON. It is the name the CloudEvents
     * Kafka binding gives the attribute; the body stays the structured-mode event, the whole truth.
     */
    public static final String TYPE_HEADER = "ce_type";

    /**
     * Sends a structured-mode CloudEvent (JSON body, CloudEvents content type) keyed by {@code key} to
     * {@code topic}, its type also in the {@value #TYPE_HEADER} header.
     */
    public static CompletableFuture<Void> cloudEvent(Emitter<String> emitter, String topic, String key, String type, String json) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", "application/cloudevents+json; charset=UTF-8".getBytes(StandardCharsets.UTF_8));
        if (type != null) {
            headers.add(TYPE_HEADER, type.getBytes(StandardCharsets.UTF_8));
        }
        return acknowledged(emitter, json, OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(topic).withKey(key).withHeaders(headers).build());
    }

    /**
     * The type a record's {@value #TYPE_HEADER} header names, or null when it has none (a record
     * sent before the header existed, or by another producer): then only the body can tell.
     */
    public static String typeHeader(org.apache.kafka.clients.consumer.ConsumerRecord<?, ?> record) {
        org.apache.kafka.common.header.Header h = record.headers().lastHeader(TYPE_HEADER);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /**
     * Whether the record's {@value #TYPE_HEADER} header names a type outside {@code applied}: a
     * consumer that applies only those skips such a record without parsing it. A record without the
     * header is never skipped here; its body decides.
     */
    public static boolean namesAnotherType(org.apache.kafka.clients.consumer.ConsumerRecord<?, ?> record,
                                           java.util.Set<String> applied) {
        String named = typeHeader(record);
        return named != null && !applied.contains(named);
    }

    public static CompletableFuture<Void> acknowledged(Emitter<String> emitter, String payload,
                                                       OutgoingKafkaRecordMetadata<String> metadata) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        Message<String> message = Message.of(payload, Metadata.of(metadata),
                () -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                },
                failure -> {
                    acked.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                });
        try {
            emitter.send(message);
        } catch (RuntimeException e) {
            acked.completeExceptionally(e);
        }
        return acked;
    }
}
