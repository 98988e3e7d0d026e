package io.companyagents.platform.events;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaProducer;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Sending to Kafka: a relay's batch of CloudEvents through a channel's producer ({@link #publishAll}),
 * or one record through an emitter ({@link #acknowledged}); either answers when the broker
 * acknowledged, or fails.
 */
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
     * A structured-mode CloudEvent (JSON body, CloudEvents content type) keyed by {@code key} for
     * {@code topic}, its type also in the {@value #TYPE_HEADER} header: a record for {@link #publishAll}.
     */
    public static ProducerRecord<String, String> cloudEventRecord(String topic, String key, String type, String json) {
        return new ProducerRecord<>(topic, null, key, json, cloudEventHeaders(type));
    }

    private static final byte[] CLOUD_EVENT_CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8".getBytes(StandardCharsets.UTF_8);

    private static RecordHeaders cloudEventHeaders(String type) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", CLOUD_EVENT_CONTENT_TYPE);
        if (type != null) {
            headers.add(TYPE_HEADER, type.getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }

    /**
     * The producer of an outgoing channel (its configuration is the channel's), for {@link #publishAll}.
     * The channel exists only if something uses it: the caller keeps an {@code Emitter} of it injected.
     */
    public static KafkaProducer<String, String> producer(KafkaClientService clients, String channel) {
        KafkaProducer<String, String> producer = clients.getProducer(channel);
        if (producer == null) {
            throw new IllegalStateException("no Kafka producer for channel " + channel);
        }
        return producer;
    }

    /**
     * Publishes a relay's batch, in order, through the channel's producer: one hand-off to the
     * connector's sending thread for the whole batch (where an emitter takes one per record, each
     * record also wrapped in a message with its own acknowledgement), one callback per
     * record counting down. Completes when the broker has acknowledged every record, or fails with
     * the first failure (records sent before it stay sent: a relay republishes, consumers are
     * idempotent).
     */
    public static Uni<Void> publishAll(KafkaProducer<String, String> producer, List<ProducerRecord<String, String>> records) {
        return publishAll(sendAll -> producer.runOnSendingThread(sendAll), records);
    }

    /** {@link #publishAll(KafkaProducer, List)} with the hand-off given: it runs the sending on the producer's thread. */
    static Uni<Void> publishAll(Function<Consumer<Producer<String, String>>, Uni<Void>> onSendingThread,
                                List<ProducerRecord<String, String>> records) {
        if (records.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        AtomicInteger waiting = new AtomicInteger(records.size());
        Callback counted = (metadata, failure) -> {
            if (failure != null) {
                acknowledged.completeExceptionally(failure);
            } else if (waiting.decrementAndGet() == 0) {
                acknowledged.complete(null);
            }
        };
        Consumer<Producer<String, String>> sendAll = p -> {
            for (ProducerRecord<String, String> r : records) {
                p.send(r, counted);
            }
        };
        return onSendingThread.apply(sendAll)
                .chain(() -> Uni.createFrom().completionStage(acknowledged));
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
