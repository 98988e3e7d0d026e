package io.companyagents.ledger;

import io.companyagents.platform.events.Topics;
import io.companyagents.platform.testing.RuntimeTestResource;
import io.companyagents.platform.testing.TestKafka;
import io.companyagents.platform.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class BudgetApiTest {

    @Inject
    MovableClock clock;

    private static String now() {
        return OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(5).toString();
    }

    @Test
    void aBudgetShowsItsSpendAndWarnsOnceWhenItsWarningLevelIsCrossed() {
        LedgerFixtures f = new LedgerFixtures();
        UUID agent = UUID.randomUUID();
        f.cost(agent, 300, now());
        // a new budget counts what was already spent in its window
        String id = f.putBudget("agent", agent, Map.of("limitMicros", 1000, "window", "month")).then().statusCode(201)
                .body("spentMicros", equalTo(300)).body("remainingMicros", equalTo(700)).body("state", equalTo("ok"))
                .body("warnPercent", equalTo(80)).body("hardStop", equalTo(true)).header("ETag", "\"1\"")
                .extract().path("id");
        f.cost(agent, 550, now());
        f.cost(agent, 50, now());
        Map<String, Object> b = f.budget("agent", agent);
        assertEquals(900, b.get("spentMicros"));
        assertEquals("warning", b.get("state"));
        TestKafka.instance().awaitRecords(Topics.LEDGER, LedgerFixtures.event("budget.warning", id), 1, Duration.ofSeconds(30));
        TestKafka.instance().awaitRecords(Topics.LEDGER, LedgerFixtures.event("budget.set", id), 1, Duration.ofSeconds(30));
        assertEquals(1, LedgerFixtures.recordsWithin(Topics.LEDGER, LedgerFixtures.event("budget.warning", id),
                Duration.ofSeconds(2)).size());
    }

    @Test
    void runsFinishedTogetherCountTowardsEveryBudgetCoveringThemAndCrossEachLevelOnce() throws Exception {
        LedgerFixtures f = new LedgerFixtures();
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        UUID firstTeam = UUID.randomUUID();
        UUID secondTeam = UUID.randomUUID();
        f.agentsInTeams(Map.of(first, firstTeam, second, secondTeam));
        String agentBudget = f.putBudget("agent", first, Map.of("limitMicros", 6_000, "window", "lifetime", "warnPercent", 50))
                .then().statusCode(201).extract().path("id");
        String teamBudget = f.putBudget("team", secondTeam, Map.of("limitMicros", 1_000_000, "window", "lifetime"))
                .then().statusCode(201).extract().path("id");
        String companyBudget = f.putBudget("company", f.company, Map.of("limitMicros", 12_000, "window", "lifetime"))
                .then().statusCode(201).extract().path("id");
        // eight runs of 2,000 each, the agents taking turns, on the topic at once (so consumed as one batch, or a few)
        UUID task = UUID.randomUUID();
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            runs.add(CostEntryApiTest.runFinished(io.companyagents.platform.id.Ids.newId(), f.company, i % 2 == 0 ? first : second,
                    UUID.randomUUID(), task, "claude-sonnet-4", 2_000L));
        }
        TestKafka.instance().sendAll(Topics.TASKS, f.company.toString(), runs);

        await().atMost(Duration.ofSeconds(30)).until(() -> f.asOwner().get(f.base() + "/cost-entries?taskId=" + task)
                .then().extract().<List<?>>path("items").size() == 8);
        f.asOwner().get(f.base() + "/cost-entries?taskId=" + task).then()
                .body("items.agentId", equalTo(List.of(first, second, first, second, first, second, first, second).stream()
                        .map(UUID::toString).toList()))
                .body("items.teamId", equalTo(List.of(firstTeam, secondTeam, firstTeam, secondTeam, firstTeam, secondTeam,
                        firstTeam, secondTeam).stream().map(UUID::toString).toList()));
        // the agent's budget warned at 4,000 (after its second run) and was exceeded at 6,000 (its third)
        f.asOwner().get(f.base() + "/budgets/agent/" + first).then().body("spentMicros", equalTo(8_000))
                .body("state", equalTo("exceeded"));
        f.asOwner().get(f.base() + "/budgets/team/" + secondTeam).then().body("spentMicros", equalTo(8_000))
                .body("state", equalTo("ok"));
        // the company's warned at 80 % (10,000, the fifth run) and was exceeded at 12,000 (the sixth)
        f.asOwner().get(f.base() + "/budgets/company/" + f.company).then().body("spentMicros", equalTo(16_000))
                .body("state", equalTo("exceeded"));
        for (String budget : List.of(agentBudget, companyBudget)) {
            TestKafka.instance().awaitRecords(Topics.LEDGER, LedgerFixtures.event("budget.exceeded", budget), 1, Duration.ofSeconds(30));
            assertEquals(1, LedgerFixtures.recordsWithin(Topics.LEDGER, LedgerFixtures.event("budget.warning", budget),
                    Duration.ofSeconds(2)).size(), "one budget.warning for " + budget);
            assertEquals(1, LedgerFixtures.recordsWithin(Topics.LEDGER, LedgerFixtures.event("budget.exceeded", budget),
                    Duration.ofSeconds(2)).size(), "one budget.exceeded for " + budget);
            assertEquals(1, LedgerFixtures.count("select count(*) from ledger.budget_incidents where budget_id = ?",
                    UUID.fromString(budget)));
        }
        assertEquals(0, LedgerFixtures.recordsWithin(Topics.LEDGER, r -> r.value().contains(teamBudget)
                && !LedgerFixtures.event("budget.set", teamBudget).test(r), Duration.ofSeconds(2)).size());
        assertEquals(8, LedgerFixtures.recordsWithin(Topics.LEDGER, r -> r.value().contains("\"type\":\"io.companyagents.cost.recorded\"")
                && r.value().contains(task.toString()), Duration.ofSeconds(2)).size());
    }

    @Test
    void twoEntriesCrossingTheLimitAtOnceEmitExactlyOneBudgetExceeded() throws Exception {
        LedgerFixtures f = new LedgerFixtures();
        UUID agent = UUID.randomUUID();
        UUID team = UUID.randomUUID();
        f.agentInTeam(agent, team);
        String id = f.putBudget("agent", agent, Map.of("limitMicros", 1000, "window", "month")).then().statusCode(201)
                .extract().path("id");
        f.cost(agent, 900, now());
        // eight entries, each enough to cross alone, released together
        int racers = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            List<Future<Integer>> posts = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                String key = "race-" + i;
                posts.add(pool.submit(() -> {
                    start.await();
                    return f.post(TestTokens.agent(f.company, agent), key,
                            LedgerFixtures.entry(agent, "anthropic", "claude-sonnet-4", 1, 1, 200L, now())).statusCode();
                }));
            }
            start.countDown();
            for (Future<Integer> p : posts) {
                assertEquals(201, p.get());
            }
        } finally {
            pool.shutdownNow();
        }
        f.asOwner().get(f.base() + "/budgets/agent/" + agent).then().statusCode(200)
                .body("spentMicros", equalTo(900 + racers * 200)).body("remainingMicros", equalTo(0))
                .body("state", equalTo("exceeded"));
        TestKafka.instance().awaitRecords(Topics.LEDGER, LedgerFixtures.event("budget.exceeded", id), 1, Duration.ofSeconds(30));
        assertEquals(1, LedgerFixtures.recordsWithin(Topics.LEDGER, LedgerFixtures.event("budget.exceeded", id),
                Duration.ofSeconds(4)).size(), "no second budget.exceeded");
        assertEquals(1, LedgerFixtures.count("select count(*) from ledger.budget_incidents where budget_id = ?", UUID.fromString(id)));
        f.asOwner().get(f.base() + "/budget-incidents?status=open").then().statusCode(200).body("items", hasSize(1))
                .body("items[0].budgetId", equalTo(id)).body("items[0].resolvedAt", nullValue());

        // the claim-time check stops the agent (and its team's work) while the hard stop holds
        f.asOwner().get(f.base() + "/budgets/check?agentId=" + agent).then().statusCode(200)
                .body("allowed", equalTo(false)).body("blockingScopes", hasSize(1))
                .body("blockingScopes[0].scopeType", equalTo("agent")).body("blockingScopes[0].budgetId", equalTo(id));
        f.asOwner().get(f.base() + "/budgets/check?agentId=" + UUID.randomUUID()).then().body("allowed", equalTo(true));

        // raising the limit recovers the budget and resolves its incident
        f.putBudget("agent", agent, Map.of("limitMicros", 10_000, "window", "month")).then().statusCode(200)
                .body("state", equalTo("ok")).body("version", equalTo(2));
        TestKafka.instance().awaitRecords(Topics.LEDGER, LedgerFixtures.event("budget.recovered", id), 1, Duration.ofSeconds(30));
        f.asOwner().get(f.base() + "/budget-incidents?budgetId=" + id).then().body("items", hasSize(1))
                .body("items[0].resolution", equalTo("limit_raised")).body("items[0].resolvedAt", notNullValue());
        f.asOwner().get(f.base() + "/budgets/check?agentId=" + agent).then().body("allowed", equalTo(true));
    }

    @Test
    void aCompanyBudgetCoversEveryAgentAndASoftOneNeverBlocks() {
        LedgerFixtures f = new LedgerFixtures();
        f.putBudget("company", UUID.randomUUID(), Map.of("limitMicros", 100, "window", "lifetime")).then().statusCode(400)
                .body("errors[0].field", equalTo("scopeId"));
        String id = f.putBudget("company", f.company, Map.of("limitMicros", 100, "window", "lifetime", "hardStop", false))
                .then().statusCode(201).body("windowStart", nullValue()).extract().path("id");
        f.cost(UUID.randomUUID(), 60, now());
        f.cost(UUID.randomUUID(), 60, "2020-01-01T00:00:00Z");
        f.asOwner().get(f.base() + "/budgets/company/" + f.company).then().body("spentMicros", equalTo(120))
                .body("state", equalTo("exceeded"));
        TestKafka.instance().awaitRecords(Topics.LEDGER, r -> LedgerFixtures.event("budget.exceeded", id).test(r)
                && r.value().contains("\"scopeType\":\"company\"") && r.value().contains("\"scopeId\":\"" + f.company + "\"")
                && r.value().contains("\"hardStop\":false"), 1, Duration.ofSeconds(30));
        f.asOwner().get(f.base() + "/budgets/check?agentId=" + UUID.randomUUID()).then().body("allowed", equalTo(true));
        // switching the hard stop on makes it block, and tells the enforcers
        f.putBudget("company", f.company, Map.of("limitMicros", 100, "window", "lifetime", "hardStop", true)).then().statusCode(200);
        f.asOwner().get(f.base() + "/budgets/check?agentId=" + UUID.randomUUID()).then().body("allowed", equalTo(false))
                .body("blockingScopes[0].scopeType", equalTo("company"));
        // deleting an exceeded budget ends its stop
        f.asOwner().delete(f.base() + "/budgets/company/" + f.company).then().statusCode(204);
        TestKafka.instance().awaitRecords(Topics.LEDGER, LedgerFixtures.event("budget.recovered", id), 1, Duration.ofSeconds(30));
        f.asOwner().get(f.base() + "/budgets/company/" + f.company).then().statusCode(404);
        f.asOwner().get(f.base() + "/budget-incidents?budgetId=" + id).then().body("items[0].resolution", equalTo("budget_deleted"));
    }

    @Test
    void entriesOfLastMonthDoNotCountAndANewMonthRecoversAnExceededBudget() {
        LedgerFixtures f = new LedgerFixtures();
        UUID agent = UUID.randomUUID();
        try {
            clock.jumpTo(Instant.parse("2031-03-31T23:00:00Z"));
            String id = f.putBudget("agent", agent, Map.of("limitMicros", 10_000, "window", "month")).then().statusCode(201)
                    .body("windowStart", equalTo("2031-03-01T00:00:00Z")).body("windowEnd", equalTo("2031-04-01T00:00:00Z"))
                    .extract().path("id");
            f.cost(agent, 50_000, "2031-02-28T12:00:00Z");
            f.asOwner().get(f.base() + "/budgets/agent/" + agent).then().body("spentMicros", equalTo(0)).body("state", equalTo("ok"));
            f.cost(agent, 10_000, "2031-03-31T22:00:00Z");
            f.asOwner().get(f.base() + "/budgets/agent/" + agent).then().body("spentMicros", equalTo(10_000))
                    .body("state", equalTo("exceeded"));
            TestKafka.instance().awaitRecords(Topics.LEDGER, LedgerFixtures.event("budget.exceeded", id), 1, Duration.ofSeconds(30));

            // April begins: the roller moves the budget into its new window without any new spend
            clock.jumpTo(Instant.parse("2031-04-01T00:00:30Z"));
            TestKafka.instance().awaitRecords(Topics.LEDGER, r -> LedgerFixtures.event("budget.recovered", id).test(r)
                    && r.value().contains("\"windowStart\":\"2031-04-01\""), 1, Duration.ofSeconds(30));
            f.asOwner().get(f.base() + "/budgets/agent/" + agent).then().body("spentMicros", equalTo(0))
                    .body("state", equalTo("ok")).body("windowStart", equalTo("2031-04-01T00:00:00Z"));
            f.asOwner().get(f.base() + "/budget-incidents?budgetId=" + id).then().body("items", hasSize(1))
                    .body("items[0].resolution", equalTo("new_window"));
            // March's spend is still there for the record
            f.asOwner().get(f.base() + "/costs/summary?groupBy=day&from=2031-02-01&to=2031-05-01").then()
                    .body("totalMicros", equalTo(60_000)).body("groups.key", equalTo(List.of("2031-02-28", "2031-03-31")));
        } finally {
            clock.reset();
        }
    }

    @Test
    void theClaimTimeCheckIsDocumentedInTheOpenApi() {
        io.restassured.RestAssured.given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.'/api/v1/companies/{companyId}/budgets/check'.get.description", org.hamcrest.Matchers.containsString("hard-stop"))
                .body("paths.'/api/v1/companies/{companyId}/cost-entries'.post.parameters.find { it.name == 'Idempotency-Key' }.required",
                        equalTo(true));
    }

    @Test
    void budgetsAreTheBoardsToChangeAndAnotherCompanysAreNotFound() {
        LedgerFixtures f = new LedgerFixtures();
        UUID agent = UUID.randomUUID();
        Map<String, Object> body = Map.of("limitMicros", 1000, "window", "month");
        f.as(TestTokens.agent(f.company, agent)).body(body).put(f.base() + "/budgets/agent/" + agent).then().statusCode(403);
        f.as(TestTokens.board(f.company, "viewer")).body(body).put(f.base() + "/budgets/agent/" + agent).then().statusCode(403);
        f.as(TestTokens.board(f.company, "operator")).body(body).put(f.base() + "/budgets/agent/" + agent).then().statusCode(201);
        f.as(TestTokens.agent(f.company, agent)).delete(f.base() + "/budgets/agent/" + agent).then().statusCode(403);
        f.as(TestTokens.board(f.company, "viewer")).delete(f.base() + "/budgets/agent/" + agent).then().statusCode(403);
        f.as(TestTokens.board(f.company, "viewer")).get(f.base() + "/budgets/agent/" + agent).then().statusCode(200);
        f.asOwner().body(Map.of("limitMicros", 1000, "window", "fortnight")).put(f.base() + "/budgets/agent/" + agent)
                .then().statusCode(400);
        f.asOwner().body(body).put(f.base() + "/budgets/galaxy/" + agent).then().statusCode(400);
        f.asOwner().header("If-Match", "\"7\"").body(body).put(f.base() + "/budgets/agent/" + agent).then().statusCode(412);

        LedgerFixtures other = new LedgerFixtures();
        Response theirs = other.asOwner().get(f.base() + "/budgets/agent/" + agent);
        assertEquals(404, theirs.statusCode());
        other.asOwner().body(body).put(f.base() + "/budgets/agent/" + agent).then().statusCode(404);
        other.asOwner().get(f.base() + "/budget-incidents").then().statusCode(404);
        other.asOwner().get(f.base() + "/budgets/check?agentId=" + agent).then().statusCode(404);
    }
}
