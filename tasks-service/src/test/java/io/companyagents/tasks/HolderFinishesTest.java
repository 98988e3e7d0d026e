package io.companyagents.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.companyagents.platform.events.Topics;
import io.companyagents.platform.testing.RuntimeTestResource;
import io.companyagents.platform.testing.TestKafka;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Holders' successful finishes that arrive together are served together (one statement records
 * the runs, moves the tasks on, ends the leases and writes the events): each still does exactly
 * what the general path does — the same state, the same three events with the same values — and
 * what is not the plain case (a stale token, dependents, an open child) is still decided by the
 * general path.
 */
@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class HolderFinishesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Pool db;

    private record Work(UUID agent, String task, String policy, String run, String lease, long epoch, UUID project, UUID team,
                        String expiresAt) {
    }

    private static Work claimAndStart(TaskFixtures f, String policy, int i) {
        UUID agent = UUID.randomUUID();
        UUID project = UUID.randomUUID();
        UUID team = i % 2 == 0 ? UUID.randomUUID() : null;
        Map<String, Object> body = new HashMap<>(Map.of("title", "finish together " + i, "reviewPolicy", policy,
                "projectId", project.toString()));
        if (team != null) {
            body.put("teamId", team.toString());
        }
        String task = f.asAdmin().body(body).post(f.base() + "/tasks").then().statusCode(201).extract().path("id");
        Response claim = f.claim(agent, task, 600).then().statusCode(200).extract().response();
        long epoch = claim.<Integer>path("lease.leaseEpoch");
        f.act(agent, task, "start", Map.of("leaseEpoch", epoch)).then().statusCode(200);
        return new Work(agent, task, policy, claim.path("run.id"), claim.path("lease.id"), epoch, project, team,
                claim.path("lease.expiresAt"));
    }

    private static Map<String, Object> finishBody(long epoch, int i) {
        return Map.of("leaseEpoch", epoch, "outcome", "succeeded", "summary", "done \"" + i + "\" {identifier}",
                "commits", List.of("c" + i), "filesModified", List.of("f" + i + ".java"), "prNumber", 100 + i,
                "usage", Map.of("provider", "anthropic", "model", "claude-sonnet-4", "inputTokens", 1000 + i, "outputTokens", 10));
    }

    @Test
    void finishesArrivingTogetherEachDoWhatTheGeneralPathDoesAndSaySoWithTheirOwnValues() throws Exception {
        TaskFixtures f = new TaskFixtures();
        String[] policies = {"none", "pm", "qa", "full"};
        int n = 16;
        List<Work> work = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            work.add(claimAndStart(f, policies[i % policies.length], i));
        }
        Work stale = claimAndStart(f, "none", n);

        double oneStatement = holderWrites("finish", "one_statement");
        double general = holderWrites("finish", "general");
        ExecutorService threads = Executors.newFixedThreadPool(n + 1);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Response>> finishes = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Work w = work.get(i);
                int at = i;
                finishes.add(threads.submit(() -> {
                    go.await();
                    return f.asAgent(w.agent()).body(finishBody(w.epoch(), at)).post(f.base() + "/runs/" + w.run() + "/finish");
                }));
            }
            Future<Response> refused = threads.submit(() -> {
                go.await();
                return f.asAgent(stale.agent()).body(finishBody(stale.epoch() + 1, n)).post(f.base() + "/runs/" + stale.run() + "/finish");
            });
            go.countDown();
            for (int i = 0; i < n; i++) {
                Response r = finishes.get(i).get();
                assertEquals(200, r.statusCode(), r.asString());
                r.then().body("id", equalTo(work.get(i).run())).body("status", equalTo("succeeded"))
                        .body("summary", equalTo("done \"" + i + "\" {identifier}")).body("commits", contains("c" + i))
                        .body("filesModified", contains("f" + i + ".java")).body("prNumber", equalTo(100 + i))
                        .body("usage.inputTokens", equalTo(1000 + i)).body("finishedAt", org.hamcrest.Matchers.notNullValue());
            }
            Response r = refused.get();
            assertEquals(409, r.statusCode(), r.asString());
            assertEquals("lease_lost", r.path("code"));
        } finally {
            threads.shutdownNow();
        }
        assertEquals(n, holderWrites("finish", "one_statement") - oneStatement, "the plain finishes were done by the one statement");
        assertEquals(1, holderWrites("finish", "general") - general, "the stale token was handed to the general path");
        assertEquals("in_progress", f.task(stale.task()).get("status"), "a stale token changed nothing");
        f.asAdmin().get(f.base() + "/runs/" + stale.run()).then().statusCode(200).body("status", equalTo("running"));

        List<ConsumerRecord<String, String>> records = TestKafka.instance().awaitRecords(Topics.TASKS,
                rec -> rec.value().contains(f.company.toString()) && (rec.value().contains("io.companyagents.run.finished")
                        || rec.value().contains("io.companyagents.lease.released")
                        || rec.value().contains("\"from\":\"in_progress\"")), 3 * n, Duration.ofSeconds(30));
        Map<String, List<JsonNode>> byTask = new HashMap<>();
        for (ConsumerRecord<String, String> rec : records) {
            JsonNode event = JSON.readTree(rec.value());
            JsonNode data = event.path("data");
            String task = data.has("taskId") ? data.path("taskId").asText() : data.path("id").asText();
            byTask.computeIfAbsent(task, k -> new ArrayList<>()).add(event);
        }
        for (int i = 0; i < n; i++) {
            Work w = work.get(i);
            Map<String, Object> task = f.task(w.task());
            List<JsonNode> events = byTask.get(w.task());
            assertNotNull(events, "events of " + w.task());
            assertEquals(List.of("io.companyagents.run.finished", "io.companyagents.task.status_changed", "io.companyagents.lease.released"),
                    events.stream().map(e -> e.path("type").asText()).toList(), "three events, in the general path's order");
            String summary = "done \"" + i + "\" {identifier}";

            JsonNode run = events.get(0);
            assertEquals("run/" + w.run(), run.path("subject").asText());
            assertEquals(w.run(), run.path("data").path("runId").asText());
            assertEquals(w.task(), run.path("data").path("taskId").asText());
            assertEquals(w.agent().toString(), run.path("data").path("agentId").asText());
            assertEquals(w.project().toString(), run.path("data").path("projectId").asText());
            if (w.team() == null) {
                assertTrue(run.path("data").path("teamId").isNull(), "no team: null, as the general path writes it");
            } else {
                assertEquals(w.team().toString(), run.path("data").path("teamId").asText());
            }
            assertEquals("succeeded", run.path("data").path("status").asText());
            assertEquals(summary, run.path("data").path("summary").asText());
            assertEquals(1000 + i, run.path("data").path("usage").path("inputTokens").asInt());
            assertEquals("claude-sonnet-4", run.path("data").path("usage").path("model").asText());

            JsonNode status = events.get(1);
            assertEquals("task/" + w.task(), status.path("subject").asText());
            assertEquals(w.task(), status.path("subjectid").asText());
            JsonNode sd = status.path("data");
            assertEquals(w.task(), sd.path("id").asText());
            assertEquals(task.get("identifier"), sd.path("identifier").asText());
            assertEquals("in_progress", sd.path("from").asText());
            assertEquals(task.get("status"), sd.path("to").asText());
            String expectedAction = switch (w.policy()) {
                case "none" -> "complete";
                case "pm" -> "submit_for_pm";
                default -> "submit";
            };
            assertEquals(expectedAction, sd.path("action").asText());
            if (w.policy().equals("none")) {
                assertEquals("completed", task.get("status"));
            } else {
                assertFalse(List.of("in_progress", "completed").contains((String) task.get("status")), "on to review: " + task.get("status"));
            }
            assertEquals(summary, sd.path("reason").asText());
            assertEquals(w.epoch(), sd.path("leaseEpoch").asLong());
            assertEquals(((Number) task.get("attempts")).intValue(), sd.path("attempts").asInt());
            assertEquals(((Number) task.get("version")).longValue(), sd.path("version").asLong());
            assertEquals(null, task.get("lease"), "the lease is gone from the task");

            JsonNode lease = events.get(2);
            assertEquals("lease/" + w.lease(), lease.path("subject").asText());
            JsonNode ld = lease.path("data");
            assertEquals(w.lease(), ld.path("leaseId").asText());
            assertEquals(w.task(), ld.path("taskId").asText());
            assertEquals(w.run(), ld.path("runId").asText());
            assertEquals(w.agent().toString(), ld.path("agentId").asText());
            assertEquals("work", ld.path("kind").asText());
            assertEquals(w.epoch(), ld.path("leaseEpoch").asLong());
            OffsetDateTime expires = OffsetDateTime.parse(ld.path("expiresAt").asText());
            assertTrue(expires.isAfter(OffsetDateTime.now().plusSeconds(500)), "the expiry the lease had: " + expires);
            assertEquals(w.expiresAt(), ld.path("expiresAt").asText(), "the lease's expiry, written as the service writes instants");

            Row ended = db.preparedQuery("select ended_at, end_reason from leases where id = $1")
                    .execute(Tuple.of(UUID.fromString(w.lease()))).await().indefinitely().iterator().next();
            assertNotNull(ended.getOffsetDateTime("ended_at"), "the lease ended");
            assertEquals(expectedAction, ended.getString("end_reason"));
        }
    }

    @Test
    void aFinishWithDependentsOrAnOpenChildIsStillDecidedByTheGeneralPath() {
        TaskFixtures f = new TaskFixtures();
        // dependents: completing the task releases the task waiting on it
        Work first = claimAndStart(f, "none", 0);
        String waiting = f.createTask("waits", "none");
        f.asAdmin().body(Map.of("dependsOnTaskId", first.task())).post(f.base() + "/tasks/" + waiting + "/dependencies")
                .then().statusCode(200);
        UUID other = UUID.randomUUID();
        f.claim(other, waiting, 60).then().statusCode(409).body("code", equalTo("dependencies_unmet"));
        f.asAgent(first.agent()).body(finishBody(first.epoch(), 0)).post(f.base() + "/runs/" + first.run() + "/finish")
                .then().statusCode(200).body("status", equalTo("succeeded"));
        assertEquals("completed", f.task(first.task()).get("status"));
        f.claim(other, waiting, 60).then().statusCode(200);

        // an open child: a parent cannot complete, and nothing of the finish is kept
        Work parent = claimAndStart(f, "none", 1);
        f.asAdmin().body(Map.of("title", "child", "reviewPolicy", "none", "parentTaskId", parent.task()))
                .post(f.base() + "/tasks").then().statusCode(201);
        f.asAgent(parent.agent()).body(finishBody(parent.epoch(), 1)).post(f.base() + "/runs/" + parent.run() + "/finish")
                .then().statusCode(409).body("code", equalTo("children_not_terminal"));
        assertEquals("in_progress", f.task(parent.task()).get("status"));
        f.asAdmin().get(f.base() + "/runs/" + parent.run()).then().statusCode(200).body("status", equalTo("running"));
    }

    static double holderWrites(String action, String path) {
        return PrometheusText.parse(MetricsTest.scrape()).sum("company_agents_holder_writes_total", Map.of("action", action, "path", path));
    }
}
