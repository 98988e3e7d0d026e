package io.companyagents.platform.events;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * A relay's batch through {@link KafkaSend#publishAll}: Kafka's own {@link MockProducer} stands in
 * for the broker, acknowledging (or refusing) each record when the test says so.
 */
class KafkaSendTest {

    private final MockProducer<String, String> broker = new MockProducer<>(false, null, new StringSerializer(), new StringSerializer());
    private final AtomicInteger handOffs = new AtomicInteger();

    private Uni<Void> publish(List<ProducerRecord<String, String>> records) {
        // as the connector's hand-off does: the sending runs when subscribed, and what it throws is the Uni's failure
        return KafkaSend.publishAll(sendAll -> Uni.createFrom().item(() -> {
            handOffs.incrementAndGet();
            sendAll.accept(broker);
            return null;
        }), records);
    }

    private static List<ProducerRecord<String, String>> events(int n) {
        return IntStream.range(0, n)
                .mapToObj(i -> KafkaSend.cloudEventRecord("ca.tasks.v1", "company-1", "task.status_changed", "{\"n\":" + i + "}"))
                .toList();
    }

    @Test
    void aBatchIsSentInOrderInOneHandOffAndDoneOnlyWhenTheBrokerAcknowledgedEveryRecord() {
        UniAssertSubscriber<Void> done = publish(events(3)).subscribe().withSubscriber(UniAssertSubscriber.create());

        assertEquals(1, handOffs.get());
        assertEquals(List.of("{\"n\":0}", "{\"n\":1}", "{\"n\":2}"), broker.history().stream().map(ProducerRecord::value).toList());
        broker.completeNext();
        broker.completeNext();
        done.assertNotTerminated();
        broker.completeNext();
        done.assertCompleted();
    }

    @Test
    void oneRefusedRecordFailsTheBatch() {
        UniAssertSubscriber<Void> done = publish(events(3)).subscribe().withSubscriber(UniAssertSubscriber.create());

        broker.completeNext();
        broker.errorNext(new TimeoutException("broker away"));
        done.assertFailedWith(TimeoutException.class, "broker away");
    }

    @Test
    void aSendThatThrowsFailsTheBatch() {
        broker.close();
        UniAssertSubscriber<Void> done = publish(events(2)).subscribe().withSubscriber(UniAssertSubscriber.create());

        assertInstanceOf(IllegalStateException.class, done.getFailure());
    }

    @Test
    void recordsCarryTheCloudEventHeadersAndTheCompanyKey() {
        ProducerRecord<String, String> r = KafkaSend.cloudEventRecord("ca.tasks.v1", "company-1", "run.finished", "{}");

        assertEquals("ca.tasks.v1", r.topic());
        assertEquals("company-1", r.key());
        assertEquals("run.finished", new String(r.headers().lastHeader(KafkaSend.TYPE_HEADER).value(), StandardCharsets.UTF_8));
        assertEquals("application/cloudevents+json; charset=UTF-8",
                new String(r.headers().lastHeader("content-type").value(), StandardCharsets.UTF_8));
    }

    @Test
    void nothingToSendIsDoneAtOnce() {
        publish(List.of()).subscribe().withSubscriber(UniAssertSubscriber.create()).assertCompleted();
        assertEquals(0, handOffs.get());
    }
}
