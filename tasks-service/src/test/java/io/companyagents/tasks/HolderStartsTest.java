package io.companyagents.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.companyagents.platform.events.Topics;
import io.companyagents.platform.testing.RuntimeTestResource;
import io.companyagents.platform.testing.TestKafka;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Holders' starts that arrive together are served together (one statement writes the starts and
 * their events): each still starts its own task once, a stale token among them still changes
 * nothing, and each start's event carries the values of its own task as the general path writes them.
 */
@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class HolderStartsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Holder(UUID agent, String task, long epoch) {
    }

    @Test
    void startsArrivingTogetherEachStartTheirOwnTaskOnceAndSaySoWithItsValues() throws Exception {
        TaskFixtures f = new TaskFixtures();
        int n = 24;
        List<Holder> holders = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            UUID agent = UUID.randomUUID();
            String task = f.createTask("start together " + i, "none");
            long epoch = f.claim(agent, task, 600).then().statusCode(200).extract().<Integer>path("lease.leaseEpoch");
            holders.add(new Holder(agent, task, epoch));
        }
        UUID staleAgent = UUID.randomUUID();
        String staleTask = f.createTask("stale token", "none");
        long staleEpoch = f.claim(staleAgent, staleTask, 600).then().statusCode(200).extract().<Integer>path("lease.leaseEpoch");

        double oneStatement = HolderFinishesTest.holderWrites("start", "one_statement");
        double general = HolderFinishesTest.holderWrites("start", "general");
        ExecutorService threads = Executors.newFixedThreadPool(n + 1);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Response>> starts = new ArrayList<>();
            for (Holder h : holders) {
                starts.add(threads.submit(() -> {
                    go.await();
                    return f.act(h.agent(), h.task(), "start", Map.of("leaseEpoch", h.epoch()));
                }));
            }
            Future<Response> stale = threads.submit(() -> {
                go.await();
                return f.act(staleAgent, staleTask, "start", Map.of("leaseEpoch", staleEpoch + 1));
            });
            go.countDown();
            for (int i = 0; i < n; i++) {
                Response r = starts.get(i).get();
                assertEquals(200, r.statusCode(), r.asString());
                assertEquals(holders.get(i).task(), r.path("id"));
                assertEquals("in_progress", r.path("status"));
            }
            Response refused = stale.get();
            assertEquals(409, refused.statusCode(), refused.asString());
            assertEquals("lease_lost", refused.path("code"));
        } finally {
            threads.shutdownNow();
        }
        assertEquals(n, HolderFinishesTest.holderWrites("start", "one_statement") - oneStatement, "the starts were done by the one statement");
        assertEquals(1, HolderFinishesTest.holderWrites("start", "general") - general, "the stale token was handed to the general path");
        assertEquals("claimed", f.task(staleTask).get("status"), "a stale token changed nothing");

        List<ConsumerRecord<String, String>> records = TestKafka.instance().awaitRecords(Topics.TASKS,
                r -> r.value().contains(f.company.toString()) && r.value().contains("\"to\":\"in_progress\""), n, Duration.ofSeconds(30));
        Map<String, JsonNode> byTask = new HashMap<>();
        for (ConsumerRecord<String, String> r : records) {
            assertFalse(r.value().contains("{identifier}"), "no hole left open: " + r.value());
            JsonNode event = JSON.readTree(r.value());
            JsonNode previous = byTask.put(event.path("data").path("id").asText(), event);
            assertEquals(null, previous, "one event per start");
        }
        assertEquals(n, byTask.size());
        for (Holder h : holders) {
            Map<String, Object> task = f.task(h.task());
            JsonNode event = byTask.get(h.task());
            assertNotNull(event, "the start of " + h.task() + " said so");
            assertEquals("io.companyagents.task.status_changed", event.path("type").asText());
            assertEquals("task/" + h.task(), event.path("subject").asText());
            assertEquals(h.agent().toString(), event.path("actorid").asText());
            JsonNode data = event.path("data");
            assertEquals(task.get("identifier"), data.path("identifier").asText());
            assertEquals("claimed", data.path("from").asText());
            assertEquals("in_progress", data.path("to").asText());
            assertEquals("start", data.path("action").asText());
            assertEquals(h.epoch(), data.path("leaseEpoch").asLong());
            assertEquals(((Number) task.get("attempts")).intValue(), data.path("attempts").asInt());
            assertEquals(((Number) task.get("version")).longValue(), data.path("version").asLong());
            assertEquals(true, data.path("attempts").isInt() && data.path("version").isIntegralNumber(), "numbers stay numbers");
        }
    }

    @Test
    void aHolderStartingTwiceAtOnceStartsOnceAndIsToldTheSecondIsIllegal() throws Exception {
        TaskFixtures f = new TaskFixtures();
        UUID agent = UUID.randomUUID();
        String task = f.createTask("twice", "none");
        long epoch = f.claim(agent, task, 600).then().statusCode(200).extract().<Integer>path("lease.leaseEpoch");
        ExecutorService threads = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Response>> starts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                starts.add(threads.submit(() -> {
                    go.await();
                    return f.act(agent, task, "start", Map.of("leaseEpoch", epoch));
                }));
            }
            go.countDown();
            int ok = 0;
            for (Future<Response> s : starts) {
                Response r = s.get();
                if (r.statusCode() == 200) {
                    ok++;
                } else {
                    assertEquals(409, r.statusCode(), r.asString());
                    assertEquals("illegal_transition", r.path("code"));
                }
            }
            assertEquals(1, ok, "exactly one start won");
        } finally {
            threads.shutdownNow();
        }
        List<ConsumerRecord<String, String>> records = TestKafka.instance().awaitRecords(Topics.TASKS,
                r -> r.value().contains(task) && r.value().contains("\"to\":\"in_progress\""), 1, Duration.ofSeconds(30));
        assertEquals(1, records.size(), "one start, one event");
    }
}
