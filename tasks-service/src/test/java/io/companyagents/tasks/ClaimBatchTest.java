package io.companyagents.tasks;

import io.companyagents.platform.testing.RuntimeTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Claims that queue behind one in flight are served together, in one transaction, and each gets
 * what it would have got alone: the best task it may take, a task assigned to an agent only to that
 * agent, a refusal for an agent that may not work, and never a task twice. The first claim is held
 * in flight by a lock on the budget stops its statement reads, so the others queue behind it.
 */
@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class ClaimBatchTest {

    @Inject
    Pool db;

    /** Holds the first claim in flight: its statement waits for this lock until {@link #close()}. */
    private final class BudgetStopsLock implements AutoCloseable {
        private final SqlConnection conn = db.getConnection().await().indefinitely();

        BudgetStopsLock() {
            conn.query("begin").execute().await().indefinitely();
            conn.query("lock table budget_stops in access exclusive mode").execute().await().indefinitely();
        }

        /** Waits until {@code n} statements wait for the lock. */
        void awaitWaiters(int n) {
            await().atMost(Duration.ofSeconds(20)).until(() -> db.query("select count(*) from pg_locks l join pg_class c on c.oid = l.relation"
                    + " where c.relname = 'budget_stops' and not l.granted").execute().await().indefinitely()
                    .iterator().next().getLong(0) >= n);
        }

        private boolean closed;

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            conn.query("commit").execute().await().indefinitely();
            conn.close().await().indefinitely();
        }
    }

    private static Response claim(TaskFixtures f, UUID agent) {
        return f.asAgent(agent).body(Map.of("agentId", agent.toString(), "leaseSeconds", 600)).post(f.base() + "/claims");
    }

    @Test
    void claimsQueuedBehindOneInFlightGoTogetherAndEachGetsWhatItMayTake() throws Exception {
        TaskFixtures f = new TaskFixtures();
        UUID paused = UUID.randomUUID();
        f.agentEvent(paused, "engineer", "paused", 3, "agent.status_changed");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                claim(f, paused).then().statusCode(409).body("code", equalTo("agent_not_active")));
        List<UUID> agents = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            agents.add(UUID.randomUUID());
        }
        UUID chosen = agents.get(7);
        String assigned = f.createTask("{\"title\":\"for one agent\",\"priority\":0,\"assigneeAgentId\":\"" + chosen + "\"}");
        Set<String> open = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            open.add(f.createTask("{\"title\":\"open " + i + "\",\"priority\":1}"));
        }
        double[] before = batchFigures();

        ExecutorService threads = Executors.newFixedThreadPool(11);
        Map<UUID, Response> answers = new HashMap<>();
        try (BudgetStopsLock lock = new BudgetStopsLock()) {
            Future<Response> first = threads.submit(() -> claim(f, agents.get(0)));
            lock.awaitWaiters(1);
            Map<UUID, Future<Response>> rest = new HashMap<>();
            for (UUID agent : agents.subList(1, agents.size())) {
                rest.put(agent, threads.submit(() -> claim(f, agent)));
            }
            Future<Response> refused = threads.submit(() -> claim(f, paused));
            awaitWaiting(10); // nine agents and the paused one, queued behind the first
            lock.close();
            answers.put(agents.get(0), first.get());
            for (var e : rest.entrySet()) {
                answers.put(e.getKey(), e.getValue().get());
            }
            refused.get().then().statusCode(409).body("code", equalTo("agent_not_active"));
        } finally {
            threads.shutdownNow();
        }

        Set<String> handed = new HashSet<>();
        for (var e : answers.entrySet()) {
            Response r = e.getValue();
            assertEquals(200, r.statusCode(), r.asString());
            String task = r.path("task.id");
            assertTrue(handed.add(task), "a task is handed out once: " + task);
            assertEquals(e.getKey().toString(), r.path("lease.agentId"));
            assertEquals("claimed", r.path("task.status"));
            assertEquals(1, (int) r.path("lease.leaseEpoch"));
            if (e.getKey().equals(chosen)) {
                assertEquals(assigned, task, "the task assigned to an agent goes to that agent");
            } else {
                assertTrue(open.contains(task), "an agent takes an open task, never one assigned to another");
            }
        }
        assertEquals(10, handed.size());
        double[] after = batchFigures();
        double batches = after[0] - before[0];
        double claims = after[1] - before[1];
        assertTrue(claims > batches, "at least one transaction served several claims (" + claims + " claims in " + batches + ")");
        // what was written is what was answered: every lease and run recorded against its task
        for (var e : answers.entrySet()) {
            String task = e.getValue().path("task.id");
            Map<String, Object> t = f.task(task);
            assertEquals(e.getKey().toString(), ((Map<?, ?>) t.get("lease")).get("agentId"));
            f.asAdmin().get(f.base() + "/runs/" + e.getValue().path("run.id")).then().statusCode(200)
                    .body("taskId", equalTo(task)).body("status", equalTo("running"));
        }
    }

    @Test
    void aClaimTheBatchCouldNotServeWhileMoreMayBeEligibleRunsOnItsOwn() throws Exception {
        TaskFixtures f = new TaskFixtures();
        UUID first = UUID.randomUUID();
        UUID owner = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        // the two best tasks are both the owner's: a batch of {owner, other} locks those two and has nothing for the other
        String ownA = f.createTask("{\"title\":\"own a\",\"priority\":0,\"assigneeAgentId\":\"" + owner + "\"}");
        f.createTask("{\"title\":\"own b\",\"priority\":0,\"assigneeAgentId\":\"" + owner + "\"}");
        String open = f.createTask("{\"title\":\"open\",\"priority\":1}");
        String later = f.createTask("{\"title\":\"later\",\"priority\":2}");

        ExecutorService threads = Executors.newFixedThreadPool(3);
        try (BudgetStopsLock lock = new BudgetStopsLock()) {
            Future<Response> one = threads.submit(() -> claim(f, first));
            lock.awaitWaiters(1);
            Future<Response> own = threads.submit(() -> claim(f, owner));
            Future<Response> oth = threads.submit(() -> claim(f, other));
            awaitWaiting(2);
            lock.close();
            one.get().then().statusCode(200).body("task.id", equalTo(open));
            own.get().then().statusCode(200).body("task.id", equalTo(ownA));
            oth.get().then().statusCode(200).body("task.id", equalTo(later));
        } finally {
            threads.shutdownNow();
        }
        claim(f, other).then().statusCode(204);
    }

    /** Waits until {@code n} claims are queued behind the one in flight. */
    private static void awaitWaiting(int n) {
        await().atMost(Duration.ofSeconds(20)).until(() ->
                PrometheusText.parse(MetricsTest.scrape()).sum("company_agents_claims_waiting", Map.of()) >= n);
    }

    /** Claim transactions and the claims they served, so far. */
    private static double[] batchFigures() {
        PrometheusText m = PrometheusText.parse(MetricsTest.scrape());
        return new double[] {m.sum("company_agents_claim_batch_count", Map.of()), m.sum("company_agents_claim_batch_sum", Map.of())};
    }
}
