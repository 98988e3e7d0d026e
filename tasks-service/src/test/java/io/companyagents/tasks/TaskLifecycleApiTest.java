package io.companyagents.tasks;

import io.companyagents.platform.events.Topics;
import io.companyagents.platform.testing.RuntimeTestResource;
import io.companyagents.platform.testing.TestKafka;
import io.companyagents.platform.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class TaskLifecycleApiTest {

    @jakarta.inject.Inject
    io.vertx.mutiny.sqlclient.Pool db;

    /** Waits until the agent projection (fed from ca.agents.v1) holds the agent with this role. */
    private void awaitProjected(TaskFixtures f, UUID agent, String role) {
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            var rows = db.preparedQuery("select role from agents where company_id = $1 and agent_id = $2")
                    .execute(io.vertx.mutiny.sqlclient.Tuple.of(f.company, agent)).await().indefinitely();
            return rows.size() == 1 && role.equals(rows.iterator().next().getString("role"));
        });
    }

    @Test
    void aTaskGoesFromClaimThroughStartToCompletedAndSaysSoOnKafka() {
        TaskFixtures f = new TaskFixtures();
        UUID agent = UUID.randomUUID();
        String task = f.createTask("{\"title\":\"Ship it\",\"reviewPolicy\":\"none\",\"acceptanceCriteria\":[\"works\",{\"text\":\"tested\"}],\"labels\":[\"be\"]}");
        Map<String, Object> created = f.task(task);
        assertEquals("pending", created.get("status"));
        assertTrue(((String) created.get("identifier")).matches("[A-Z0-9]+-1"), "per-company identifier");
        assertEquals(2, ((List<?>) created.get("acceptanceCriteria")).size());

        ExtractableResponse<Response> claim = f.asAgent(agent).body(Map.of("agentId", agent.toString(), "leaseSeconds", 60))
                .post(f.base() + "/claims").then().statusCode(200)
                .body("task.id", equalTo(task)).body("task.status", equalTo("claimed"))
                .body("lease.leaseEpoch", equalTo(1)).body("lease.expiresAt", notNullValue())
                .body("run.id", notNullValue()).extract();
        String leaseId = claim.path("lease.id");
        String runId = claim.path("run.id");

        f.asAgent(agent).body(Map.of("leaseEpoch", 1)).post(f.base() + "/leases/" + leaseId + "/heartbeat")
                .then().statusCode(200).body("expiresAt", notNullValue());
        f.act(agent, task, "start", Map.of("leaseEpoch", 1)).then().statusCode(200).body("status", equalTo("in_progress"));
        f.asAgent(agent).body(Map.of("kind", "log", "message", "compiling")).post(f.base() + "/runs/" + runId + "/events")
                .then().statusCode(201).body("seq", equalTo(1));
        f.asAgent(agent).body(Map.of("leaseEpoch", 1, "outcome", "succeeded", "summary", "done", "commits", List.of("abc123"),
                        "usage", Map.of("provider", "anthropic", "model", "claude-sonnet-4", "inputTokens", 1000, "outputTokens", 200)))
                .post(f.base() + "/runs/" + runId + "/finish")
                .then().statusCode(200).body("status", equalTo("succeeded")).body("commits", contains("abc123"));
        assertEquals("completed", f.task(task).get("status"));
        assertEquals(null, f.task(task).get("lease"));

        TestKafka.instance().awaitRecords(Topics.TASKS, r -> r.value().contains("io.companyagents.run.finished")
                && r.value().contains(runId) && r.value().contains("claude-sonnet-4"), 1, Duration.ofSeconds(30));
        TestKafka.instance().awaitRecords(Topics.TASKS, r -> r.value().contains("task.status_changed")
                && r.value().contains(task) && r.value().contains("\"to\":\"completed\""), 1, Duration.ofSeconds(30));
        // published rows leave the outbox (this service keeps none: retention PT0S)
        await().atMost(Duration.ofSeconds(10)).until(() -> db.preparedQuery("select count(*) from outbox where payload like $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of("%" + task + "%")).await().indefinitely()
                .iterator().next().getLong(0) == 0);
    }

    @Test
    void anIllegalActionIs409WithTheAllowedActions() {
        TaskFixtures f = new TaskFixtures();
        String task = f.createTask("t", "pm");
        f.asAdmin().body("{}").post(f.base() + "/tasks/" + task + "/actions/approve")
                .then().statusCode(409).contentType("application/problem+json")
                .body("code", equalTo("illegal_transition")).body("allowedActions", contains("cancel"));
        f.asAdmin().body("{}").post(f.base() + "/tasks/" + task + "/actions/fly").then().statusCode(404);
    }

    @Test
    void aHolderWhoseLeaseWasSupersededCannotWrite() {
        TaskFixtures f = new TaskFixtures();
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        String task = f.createTask("fenced", "none");
        f.claim(first, task, 60).then().statusCode(200);
        f.act(first, task, "start", Map.of("leaseEpoch", 1)).then().statusCode(200);
        // a manager takes the task back and another agent claims it: epoch 2
        f.asAdmin().body("{}").post(f.base() + "/tasks/" + task + "/actions/release").then().statusCode(200).body("status", equalTo("pending"));
        f.claim(second, task, 60).then().statusCode(200).body("lease.leaseEpoch", equalTo(2));
        f.act(first, task, "complete", Map.of("leaseEpoch", 1)).then().statusCode(409);
        f.act(second, task, "start", Map.of("leaseEpoch", 1)).then().statusCode(409).body("code", equalTo("lease_lost"));
        f.act(second, task, "start", Map.of()).then().statusCode(400).body("errors[0].field", equalTo("leaseEpoch"));
        assertEquals("claimed", f.task(task).get("status"));
        f.act(second, task, "start", Map.of("leaseEpoch", 2)).then().statusCode(200);
    }

    @Test
    void anExpiredLeaseIsReapedTheHolderFencedAndMaxAttemptsBlocks() {
        TaskFixtures f = new TaskFixtures();
        UUID agent = UUID.randomUUID();
        String task = f.createTask("{\"title\":\"flaky\",\"reviewPolicy\":\"none\",\"maxAttempts\":2}");
        String lease = f.claim(agent, task, 5).then().statusCode(200).extract().path("lease.id");
        f.act(agent, task, "start", Map.of("leaseEpoch", 1)).then().statusCode(200);
        // the agent dies: no heartbeat. Within lease + reaper interval the task is back.
        await().atMost(Duration.ofSeconds(15)).until(() -> "pending".equals(f.task(task).get("status")));
        assertEquals(1, f.task(task).get("attempts"));
        f.asAgent(agent).body(Map.of("leaseEpoch", 1)).post(f.base() + "/leases/" + lease + "/heartbeat")
                .then().statusCode(409).body("code", equalTo("lease_lost"));
        f.act(agent, task, "complete", Map.of("leaseEpoch", 1)).then().statusCode(409);
        f.asAdmin().queryParam("taskId", task).get(f.base() + "/runs").then().statusCode(200).body("items[0].status", equalTo("timed_out"));

        f.claim(agent, task, 5).then().statusCode(200).body("lease.leaseEpoch", equalTo(2));
        await().atMost(Duration.ofSeconds(15)).until(() -> "blocked".equals(f.task(task).get("status")));
        assertEquals("max_attempts", f.task(task).get("blockedReason"));
        assertEquals(2, f.task(task).get("attempts"));
    }

    @Test
    void thirtyTwoAgentsClaimingAThousandTasksNeverShareOne() throws Exception {
        TaskFixtures f = new TaskFixtures();
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Future<String>> creates = new java.util.ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                int n = i;
                creates.add(pool.submit(() -> f.createTask("{\"title\":\"job " + n + "\",\"priority\":" + (n % 4) + "}")));
            }
            Set<String> created = new HashSet<>();
            for (Future<String> c : creates) {
                created.add(c.get());
            }
            assertEquals(1000, created.size());
            List<Callable<List<String>>> agents = new java.util.ArrayList<>();
            for (int a = 0; a < 32; a++) {
                UUID agent = UUID.randomUUID();
                agents.add(() -> {
                    List<String> mine = new java.util.ArrayList<>();
                    while (true) {
                        Response r = f.asAgent(agent).body(Map.of("agentId", agent.toString(), "leaseSeconds", 600))
                                .post(f.base() + "/claims");
                        if (r.statusCode() == 204) {
                            return mine;
                        }
                        assertEquals(200, r.statusCode(), r.asString());
                        mine.add(r.path("task.id"));
                    }
                });
            }
            List<String> all = new java.util.ArrayList<>();
            for (Future<List<String>> r : pool.invokeAll(agents)) {
                all.addAll(r.get());
            }
            assertEquals(1000, all.size(), "every task claimed");
            assertEquals(created, new HashSet<>(all), "each exactly once");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void twoActorsRacingOneTransitionOnlyOneWins() throws Exception {
        TaskFixtures f = new TaskFixtures();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 10; round++) {
                String task = f.createTask("{\"title\":\"race\",\"status\":\"backlog\"}");
                List<Future<Integer>> racers = new java.util.ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    racers.add(pool.submit(() -> given().auth().oauth2(TestTokens.board(f.company, "operator"))
                            .contentType("application/json").body("{}")
                            .post(f.base() + "/tasks/" + task + "/actions/activate").statusCode()));
                }
                int wins = 0;
                for (Future<Integer> r : racers) {
                    int status = r.get();
                    assertTrue(status == 200 || status == 409, "status " + status);
                    wins += status == 200 ? 1 : 0;
                }
                assertEquals(1, wins);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentCreatesInANewCompanyNumberTasksOneToNWithoutGapsOrRepeats() throws Exception {
        TaskFixtures f = new TaskFixtures();
        int n = 40;
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<String>> created = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                created.add(pool.submit(() -> f.asAdmin().body(Map.of("title", "parallel " + k)).post(f.base() + "/tasks")
                        .then().statusCode(201).extract().<String>path("identifier")));
            }
            Set<Long> numbers = new HashSet<>();
            String prefix = null;
            for (Future<String> c : created) {
                String identifier = c.get();
                String p = identifier.substring(0, identifier.lastIndexOf('-'));
                assertTrue(prefix == null || prefix.equals(p), "one prefix per company: " + identifier);
                prefix = p;
                numbers.add(Long.parseLong(identifier.substring(identifier.lastIndexOf('-') + 1)));
            }
            Set<Long> expected = new HashSet<>();
            for (long i = 1; i <= n; i++) {
                expected.add(i);
            }
            assertEquals(expected, numbers);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theSameIdempotencyKeyCreatesOneTaskAndADifferentBodyIs422() {
        TaskFixtures f = new TaskFixtures();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            ids.add(f.asAdmin().header("Idempotency-Key", "create-once").body("{\"title\":\"once\"}")
                    .post(f.base() + "/tasks").then().statusCode(201).extract().path("id"));
        }
        assertEquals(1, ids.size());
        f.asAdmin().queryParam("limit", 200).get(f.base() + "/tasks").then().body("items.size()", equalTo(1));
        f.asAdmin().header("Idempotency-Key", "create-once").body("{\"title\":\"twice\"}").post(f.base() + "/tasks")
                .then().statusCode(422).body("code", equalTo("idempotency_key_reused"));
    }

    @Test
    void dependenciesGateClaimsRefuseCyclesAndReleaseOnCompletion() {
        TaskFixtures f = new TaskFixtures();
        UUID agent = UUID.randomUUID();
        String first = f.createTask("first", "none");
        String second = f.createTask("{\"title\":\"second\",\"reviewPolicy\":\"none\",\"dependsOn\":[\"" + first + "\"]}");
        f.asAdmin().get(f.base() + "/tasks/" + second).then().body("blockedBy", contains(first));
        f.asAdmin().get(f.base() + "/tasks/" + first).then().body("blocks", contains(second));
        f.asAdmin().body(Map.of("dependsOnTaskId", second)).post(f.base() + "/tasks/" + first + "/dependencies")
                .then().statusCode(409).body("code", equalTo("dependency_cycle"));
        f.claim(agent, second, 60).then().statusCode(409).body("code", equalTo("dependencies_unmet"));

        var claimed = f.asAgent(agent).body(Map.of("agentId", agent.toString())).post(f.base() + "/claims")
                .then().statusCode(200).body("task.id", equalTo(first)).extract();
        String run = claimed.path("run.id");
        f.asAgent(agent).body(Map.of("agentId", agent.toString())).post(f.base() + "/claims").then().statusCode(204);
        f.asAgent(agent).body(Map.of("leaseEpoch", 1, "outcome", "succeeded")).post(f.base() + "/runs/" + run + "/finish")
                .then().statusCode(200);
        f.asAgent(agent).body(Map.of("agentId", agent.toString())).post(f.base() + "/claims")
                .then().statusCode(200).body("task.id", equalTo(second));
    }

    @Test
    void aClaimHandsTheBestEligibleTaskWithinItsTeamAndLabelFilters() {
        TaskFixtures f = new TaskFixtures();
        UUID agent = UUID.randomUUID();
        UUID team = UUID.randomUUID();
        String low = f.createTask("{\"title\":\"low, oldest\",\"reviewPolicy\":\"none\",\"priority\":3}");
        String urgent = f.createTask("{\"title\":\"urgent\",\"reviewPolicy\":\"none\",\"priority\":0}");
        String teamTask = f.createTask("{\"title\":\"team work\",\"reviewPolicy\":\"none\",\"priority\":1,\"teamId\":\"" + team
                + "\",\"labels\":[\"ops\"]}");
        String dbTask = f.createTask("{\"title\":\"db work\",\"reviewPolicy\":\"none\",\"priority\":2,\"labels\":[\"db\",\"sql\"]}");

        f.asAgent(agent).body(Map.of("agentId", agent.toString(), "labels", List.of("db"))).post(f.base() + "/claims")
                .then().statusCode(200).body("task.id", equalTo(dbTask));
        f.asAgent(agent).body(Map.of("agentId", agent.toString(), "teamId", team.toString())).post(f.base() + "/claims")
                .then().statusCode(200).body("task.id", equalTo(teamTask));
        f.asAgent(agent).body(Map.of("agentId", agent.toString(), "teamId", team.toString())).post(f.base() + "/claims")
                .then().statusCode(204);
        f.asAgent(agent).body(Map.of("agentId", agent.toString(), "teamId", team.toString(), "labels", List.of("db", "ops")))
                .post(f.base() + "/claims").then().statusCode(204);
        f.asAgent(agent).body(Map.of("agentId", agent.toString(), "labels", List.of("ops", "sql"))).post(f.base() + "/claims")
                .then().statusCode(204);
        // unfiltered: priority first, then age
        f.asAgent(agent).body(Map.of("agentId", agent.toString())).post(f.base() + "/claims")
                .then().statusCode(200).body("task.id", equalTo(urgent));
        f.asAgent(agent).body(Map.of("agentId", agent.toString())).post(f.base() + "/claims")
                .then().statusCode(200).body("task.id", equalTo(low));
        f.asAgent(agent).body(Map.of("agentId", agent.toString())).post(f.base() + "/claims").then().statusCode(204);
    }

    /**
     * A child that appears while the parent's finish waits for the parent's lock (a child's creator
     * holds the parent {@code for share} until it commits) is counted: the parent does not complete.
     * The child is made here by re-parenting an open task in a transaction that holds that lock.
     */
    @Test
    void aChildAddedWhileTheParentsFinishWaitsForItsLockKeepsTheParentOpen() throws Exception {
        TaskFixtures f = new TaskFixtures();
        UUID agent = UUID.randomUUID();
        String parent = f.createTask("parent", "none");
        String other = f.createTask("soon a child", "none");
        String run = f.claim(agent, parent, 60).then().statusCode(200).extract().path("run.id");
        f.act(agent, parent, "start", Map.of("leaseEpoch", 1)).then().statusCode(200);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        io.vertx.mutiny.sqlclient.SqlConnection creator = db.getConnection().await().indefinitely();
        try {
            creator.query("begin").execute().await().indefinitely();
            creator.preparedQuery("select 1 from tasks where id = $1 for share")
                    .execute(io.vertx.mutiny.sqlclient.Tuple.of(UUID.fromString(parent))).await().indefinitely();
            creator.preparedQuery("update tasks set parent_task_id = $1 where id = $2")
                    .execute(io.vertx.mutiny.sqlclient.Tuple.of(UUID.fromString(parent), UUID.fromString(other)))
                    .await().indefinitely();
            Future<io.restassured.response.Response> finish = pool.submit(() -> f.asAgent(agent)
                    .body(Map.of("leaseEpoch", 1, "outcome", "succeeded")).post(f.base() + "/runs/" + run + "/finish"));
            await().atMost(Duration.ofSeconds(10)).until(() -> db.query("select count(*) from pg_locks where not granted")
                    .execute().await().indefinitely().iterator().next().getLong(0) > 0);
            creator.query("commit").execute().await().indefinitely();
            finish.get(30, java.util.concurrent.TimeUnit.SECONDS).then().statusCode(409).body("code", equalTo("children_not_terminal"));
        } finally {
            creator.close().await().indefinitely();
            pool.shutdownNow();
        }
        assertEquals("in_progress", f.task(parent).get("status"));
        f.asAdmin().queryParam("taskId", parent).get(f.base() + "/runs").then().body("items[0].status", equalTo("running"));
    }

    @Test
    void cancellingAParentCancelsItsDescendantsAndEndsTheirLeases() {
        TaskFixtures f = new TaskFixtures();
        UUID agent = UUID.randomUUID();
        String parent = f.createTask("parent", "none");
        String child = f.createTask("{\"title\":\"child\",\"parentTaskId\":\"" + parent + "\",\"reviewPolicy\":\"none\"}");
        String grandchild = f.createTask("{\"title\":\"grandchild\",\"parentTaskId\":\"" + child + "\"}");
        String parentRun = f.claim(agent, parent, 60).then().statusCode(200).extract().path("run.id");
        f.act(agent, parent, "start", Map.of("leaseEpoch", 1)).then().statusCode(200);
        f.act(agent, parent, "complete", Map.of("leaseEpoch", 1)).then().statusCode(409).body("code", equalTo("children_not_terminal"));
        // finishing the run would complete the parent (review policy none): refused too, and nothing changes
        f.asAgent(agent).body(Map.of("leaseEpoch", 1, "outcome", "succeeded")).post(f.base() + "/runs/" + parentRun + "/finish")
                .then().statusCode(409).body("code", equalTo("children_not_terminal"));
        assertEquals("in_progress", f.task(parent).get("status"));
        f.asAdmin().queryParam("taskId", parent).get(f.base() + "/runs").then().body("items[0].status", equalTo("running"));
        f.claim(agent, grandchild, 60).then().statusCode(200);
        f.asAdmin().get(f.base() + "/tasks/" + parent).then().body("children", equalTo(1));
        f.asAdmin().body(Map.of("reason", "scrapped")).post(f.base() + "/tasks/" + parent + "/actions/cancel").then().statusCode(200);
        for (String t : List.of(parent, child, grandchild)) {
            assertEquals("cancelled", f.task(t).get("status"), t);
            assertEquals(null, f.task(t).get("lease"));
        }
        // the parent's own run, still running when it was cancelled, ends with its lease; so does the grandchild's
        f.asAdmin().queryParam("taskId", parent).get(f.base() + "/runs").then().body("items[0].status", equalTo("cancelled"));
        f.asAdmin().queryParam("taskId", grandchild).get(f.base() + "/runs").then().body("items[0].status", equalTo("cancelled"));
        TestKafka.instance().awaitRecords(Topics.TASKS, r -> r.value().contains("io.companyagents.run.finished")
                && r.value().contains(parentRun) && r.value().contains("\"status\":\"cancelled\""), 1, Duration.ofSeconds(20));
    }

    @Test
    void reviewPoliciesRouteWorkThroughQaAndAReviewerMayNotReviewTheirOwnWork() {
        TaskFixtures f = new TaskFixtures();
        UUID worker = UUID.randomUUID();
        UUID qa = UUID.randomUUID();
        f.agentEvent(qa, "qa", "active", 1, "agent.created");
        f.agentEvent(worker, "qa", "active", 1, "agent.created");
        awaitProjected(f, qa, "qa");
        awaitProjected(f, worker, "qa");
        String task = f.createTask("reviewed", "qa");
        String run = f.claim(worker, task, 60).then().statusCode(200).extract().path("run.id");
        f.asAgent(worker).body(Map.of("leaseEpoch", 1, "outcome", "succeeded")).post(f.base() + "/runs/" + run + "/finish").then().statusCode(200);
        assertEquals("verifying", f.task(task).get("status"));
        f.asAdmin().body("{}").post(f.base() + "/tasks/" + task + "/actions/verify_pass").then().statusCode(200).body("status", equalTo("awaiting_qa"));
        // the worker holds the qa role too, but may not review its own work
        f.act(worker, task, "qa_pass", Map.of()).then().statusCode(409).body("code", equalTo("illegal_transition"));
        f.act(qa, task, "qa_pass", Map.of()).then().statusCode(200).body("status", equalTo("awaiting_pm_review"));
        f.asAdmin().body("{}").post(f.base() + "/tasks/" + task + "/actions/approve").then().statusCode(200).body("status", equalTo("completed"));
    }

    @Test
    void aPausedAgentCannotClaimAndABudgetStopPausesItsWork() {
        TaskFixtures f = new TaskFixtures();
        UUID agent = UUID.randomUUID();
        UUID paused = UUID.randomUUID();
        f.agentEvent(paused, "engineer", "paused", 3, "agent.status_changed");
        // no tasks yet: until the projection has the agent a claim finds nothing (204), then it is refused
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                f.asAgent(paused).body(Map.of("agentId", paused.toString())).post(f.base() + "/claims")
                        .then().statusCode(409).body("code", equalTo("agent_not_active")));
        String a = f.createTask("work a", "none");
        f.createTask("work b", "none");
        f.asAgent(paused).body(Map.of("agentId", paused.toString())).post(f.base() + "/claims").then().statusCode(409);

        String lease = f.claim(agent, a, 60).then().statusCode(200).extract().path("lease.id");
        f.act(agent, a, "start", Map.of("leaseEpoch", 1)).then().statusCode(200);
        f.budgetEvent("budget.exceeded", "agent", agent);
        await().atMost(Duration.ofSeconds(20)).until(() -> "paused".equals(f.task(a).get("status")));
        assertEquals("budget", f.task(a).get("pauseReason"));
        f.asAgent(agent).body(Map.of("leaseEpoch", 1)).post(f.base() + "/leases/" + lease + "/heartbeat")
                .then().statusCode(409).body("code", equalTo("budget_exceeded"));
        f.asAgent(agent).body(Map.of("agentId", agent.toString())).post(f.base() + "/claims")
                .then().statusCode(409).body("code", equalTo("budget_exceeded"));

        f.budgetEvent("budget.recovered", "agent", agent);
        await().atMost(Duration.ofSeconds(20)).until(() -> "in_progress".equals(f.task(a).get("status")));
        f.asAgent(agent).body(Map.of("leaseEpoch", 1)).post(f.base() + "/leases/" + lease + "/heartbeat").then().statusCode(200);
    }

    @Test
    void badInputIsAProblemAndAnotherCompanysTaskIsNotFound() {
        TaskFixtures f = new TaskFixtures();
        String task = f.createTask("mine", "pm");
        f.asAdmin().body("{\"title\":\"\"}").post(f.base() + "/tasks").then().statusCode(400).body("errors.field", hasItem("title"));
        f.asAdmin().body("{\"title\":\"x\",\"priority\":7}").post(f.base() + "/tasks").then().statusCode(400).body("errors.field", hasItem("priority"));
        f.asAdmin().body("{\"title\":\"x\",\"projectId\":\"" + UUID.randomUUID() + "\",\"productId\":\"" + UUID.randomUUID() + "\"}")
                .post(f.base() + "/tasks").then().statusCode(400).body("errors.field", hasItem("productId"));
        f.asAdmin().body("{\"title\":\"x\",\"status\":\"completed\"}").post(f.base() + "/tasks").then().statusCode(400);
        f.asAdmin().body("{\"title\":\"x\",\"identifier\":\"HACK-1\"}").post(f.base() + "/tasks").then().statusCode(400);
        f.asAdmin().body(Map.of("agentId", UUID.randomUUID().toString(), "leaseSeconds", 4)).post(f.base() + "/claims")
                .then().statusCode(400).body("errors.field", hasItem("leaseSeconds"));
        given().auth().oauth2(TestTokens.board(UUID.randomUUID(), "owner")).get(f.base() + "/tasks/" + task).then().statusCode(404);
        given().auth().oauth2(TestTokens.board(f.company, "viewer")).contentType("application/json").body("{\"title\":\"v\"}")
                .post(f.base() + "/tasks").then().statusCode(403);
        f.asAdmin().header("If-Match", "\"99\"").body("{\"title\":\"renamed\"}").patch(f.base() + "/tasks/" + task)
                .then().statusCode(412);
        f.asAdmin().header("If-Match", "\"0\"").body("{\"title\":\"renamed\"}").patch(f.base() + "/tasks/" + task)
                .then().statusCode(200).body("title", equalTo("renamed")).header("ETag", "\"1\"");
        f.asAdmin().get("/api/v1/task-lifecycle").then().statusCode(200).body("states", hasItems("backlog", "cancelled"))
                .body("transitions.action", hasItem("ceo_approve"));
        f.asAdmin().get(f.base() + "/tasks?status=nonsense").then().statusCode(400);
        f.asAdmin().get(f.base() + "/tasks?q=renam").then().statusCode(200).body("items[0].identifier", startsWith("TASK-"));
    }
}
