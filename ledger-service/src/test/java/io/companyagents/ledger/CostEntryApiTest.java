package io.companyagents.ledger;

import io.companyagents.platform.events.Topics;
import io.companyagents.platform.id.Ids;
import io.companyagents.platform.testing.RuntimeTestResource;
import io.companyagents.platform.testing.TestKafka;
import io.companyagents.platform.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class CostEntryApiTest {

    private static final String NOW = OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(1).toString();

    @Test
    void aCostWithoutAPriceIsComputedFromThePriceTableAndAttributedToTheAgentsTeam() {
        LedgerFixtures f = new LedgerFixtures();
        UUID agent = UUID.randomUUID();
        UUID team = UUID.randomUUID();
        f.agentInTeam(agent, team);
        Map<String, Object> body = LedgerFixtures.entry(agent, "anthropic", "claude-sonnet-4", 1_000, 200, null, NOW);
        body.put("cachedInputTokens", 5);
        String id = f.post(TestTokens.agent(f.company, agent), "k1", body).then().statusCode(201)
                .body("teamId", equalTo(team.toString())).body("costSource", equalTo("price_table"))
                // 1,000 × 3 + 200 × 15 + 5 × 0.3 = 6,001.5 → 6,002 (half up on the sum)
                .body("costMicros", equalTo(6002)).body("source", equalTo("api")).extract().path("id");
        TestKafka.instance().awaitRecords(Topics.LEDGER, LedgerFixtures.event("cost.recorded", id), 1, Duration.ofSeconds(30));
    }

    @Test
    void theIdempotencyKeyIsRequiredAndARetryRecordsTheCostOnce() throws Exception {
        LedgerFixtures f = new LedgerFixtures();
        UUID agent = UUID.randomUUID();
        Map<String, Object> body = LedgerFixtures.entry(agent, "anthropic", "claude-opus-4", 10, 10, 777L, NOW);
        f.post(f.owner, null, body).then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("idempotency_key_required"));
        String first = f.post(f.owner, "retry-me", body).then().statusCode(201).extract().path("id");
        String again = f.post(f.owner, "retry-me", body).then().statusCode(201).header("Idempotent-Replayed", "true")
                .extract().path("id");
        assertEquals(first, again);
        body.put("costMicros", 778);
        f.post(f.owner, "retry-me", body).then().statusCode(422).body("code", equalTo("idempotency_key_reused"));
        assertEquals(1, LedgerFixtures.count("select count(*) from ledger.cost_entries where company_id = ?", f.company));
    }

    @Test
    void aModelWithoutAPriceIs422UnlessTheCostIsGiven() throws Exception {
        LedgerFixtures f = new LedgerFixtures();
        UUID agent = UUID.randomUUID();
        f.asOwner().get(f.base() + "/costs/summary?groupBy=model").then().statusCode(200)
                .body("groups", hasSize(0)).body("totalMicros", equalTo(0));
        f.asOwner().get(f.base() + "/costs/summary?groupBy=planet").then().statusCode(400)
                .body("errors[0].field", equalTo("groupBy"));
        Map<String, Object> body = LedgerFixtures.entry(agent, "anthropic", "claude-unreleased-9", 100, 100, null, NOW);
        f.post(f.owner, "unpriced", body).then().statusCode(422).contentType("application/problem+json")
                .body("code", equalTo("price_unknown")).body("detail", containsString("claude-unreleased-9"))
                .body("detail", containsString("costMicros")).body("model", equalTo("claude-unreleased-9"));
        assertEquals(0, LedgerFixtures.count("select count(*) from ledger.cost_entries where company_id = ?", f.company));
        // the refused request did not use up its key
        body.put("costMicros", 1234);
        f.post(f.owner, "unpriced", body).then().statusCode(201).body("costMicros", equalTo(1234))
                .body("costSource", equalTo("reported"));
    }

    @Test
    void invalidCostsAreRefusedWithTheFieldsAtFault() {
        LedgerFixtures f = new LedgerFixtures();
        f.asOwner().header("Idempotency-Key", "bad").body(Map.of("agentId", UUID.randomUUID().toString(), "provider", "anthropic",
                        "model", "claude-sonnet-4", "inputTokens", -1, "outputTokens", 1, "occurredAt", NOW))
                .post(f.base() + "/cost-entries").then().statusCode(400).body("code", equalTo("validation_failed"))
                .body("errors.field", hasItem("inputTokens"));
        Map<String, Object> future = LedgerFixtures.entry(UUID.randomUUID(), "anthropic", "claude-sonnet-4", 1, 1, 1L,
                OffsetDateTime.now(ZoneOffset.UTC).plusDays(1).toString());
        f.post(f.owner, "future", future).then().statusCode(400).body("errors[0].field", equalTo("occurredAt"));
        Map<String, Object> unknown = LedgerFixtures.entry(UUID.randomUUID(), "anthropic", "claude-sonnet-4", 1, 1, 1L, NOW);
        unknown.put("teamId", UUID.randomUUID().toString());
        // read-only and unknown fields are refused (platform's mapper answers them as malformed_json today)
        f.post(f.owner, "unknown-field", unknown).then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void anAgentKeyRecordsItsOwnCostsOnlyAndAViewerNone() {
        LedgerFixtures f = new LedgerFixtures();
        UUID agent = UUID.randomUUID();
        Map<String, Object> body = LedgerFixtures.entry(UUID.randomUUID(), "anthropic", "claude-sonnet-4", 1, 1, 5L, NOW);
        f.post(TestTokens.agent(f.company, agent), "someone-else", body).then().statusCode(403).body("code", equalTo("forbidden"));
        f.post(TestTokens.board(f.company, "viewer"), "viewer", body).then().statusCode(403);
        f.post(TestTokens.board(f.company, "operator"), "operator", body).then().statusCode(201);
        f.as(TestTokens.board(f.company, "viewer")).get(f.base() + "/cost-entries").then().statusCode(200).body("items", hasSize(1));
    }

    @Test
    void anotherCompanysCostsAreNotFound() {
        LedgerFixtures mine = new LedgerFixtures();
        LedgerFixtures theirs = new LedgerFixtures();
        theirs.cost(UUID.randomUUID(), 10, NOW);
        mine.asOwner().get(theirs.base() + "/cost-entries").then().statusCode(404).contentType("application/problem+json");
        mine.asOwner().get(theirs.base() + "/costs/summary?groupBy=agent").then().statusCode(404);
        mine.post(mine.owner, "x", LedgerFixtures.entry(UUID.randomUUID(), "anthropic", "claude-sonnet-4", 1, 1, 1L, NOW))
                .then().statusCode(201);
        given().auth().oauth2(mine.owner).contentType(ContentType.JSON).header("Idempotency-Key", "y")
                .body(LedgerFixtures.entry(UUID.randomUUID(), "anthropic", "claude-sonnet-4", 1, 1, 1L, NOW))
                .post(theirs.base() + "/cost-entries").then().statusCode(404);
        // an agent the ledger knows in another company is not this company's to charge
        UUID stranger = UUID.randomUUID();
        theirs.agentInTeam(stranger, UUID.randomUUID());
        mine.post(mine.owner, "stranger", LedgerFixtures.entry(stranger, "anthropic", "claude-sonnet-4", 1, 1, 1L, NOW))
                .then().statusCode(404);
        mine.asOwner().get(mine.base() + "/cost-entries").then().statusCode(200).body("items", hasSize(1));
    }

    @Test
    void costEntriesFilterByAgentTeamTaskAndTimeAndPageInRecordingOrder() {
        LedgerFixtures f = new LedgerFixtures();
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        UUID team = UUID.randomUUID();
        UUID task = UUID.randomUUID();
        f.agentInTeam(a, team);
        OffsetDateTime t0 = OffsetDateTime.now(ZoneOffset.UTC).minusHours(5);
        for (int i = 0; i < 5; i++) {
            Map<String, Object> e = LedgerFixtures.entry(i % 2 == 0 ? a : b, "anthropic", "claude-sonnet-4", 1, 1, 10L + i,
                    t0.plusHours(i).toString());
            if (i < 2) {
                e.put("taskId", task.toString());
            }
            f.post(f.owner, "e" + i, e).then().statusCode(201);
        }
        f.asOwner().get(f.base() + "/cost-entries?agentId=" + a).then().statusCode(200).body("items", hasSize(3))
                .body("items.agentId", everyItem(equalTo(a.toString())));
        f.asOwner().get(f.base() + "/cost-entries?teamId=" + team).then().body("items", hasSize(3));
        f.asOwner().get(f.base() + "/cost-entries?taskId=" + task).then().body("items.costMicros", hasItems(10, 11));
        f.asOwner().queryParam("from", t0.plusHours(1).toString()).queryParam("to", t0.plusHours(3).toString())
                .get(f.base() + "/cost-entries").then().body("items.costMicros", equalTo(List.of(11, 12)));
        f.asOwner().get(f.base() + "/cost-entries?from=yesterday").then().statusCode(400).body("errors[0].field", equalTo("from"));

        String cursor = f.asOwner().get(f.base() + "/cost-entries?limit=2").then().body("items.costMicros", equalTo(List.of(10, 11)))
                .body("nextCursor", notNullValue()).extract().path("nextCursor");
        String last = f.asOwner().get(f.base() + "/cost-entries?limit=2&cursor=" + cursor).then()
                .body("items.costMicros", equalTo(List.of(12, 13))).extract().path("nextCursor");
        f.asOwner().get(f.base() + "/cost-entries?limit=2&cursor=" + last).then()
                .body("items.costMicros", equalTo(List.of(14))).body("nextCursor", nullValue());
    }

    @Test
    void aRunsUsageBecomesOneEntryEvenWhenTheEventIsDeliveredTwice() {
        LedgerFixtures f = new LedgerFixtures();
        UUID agent = UUID.randomUUID();
        UUID team = UUID.randomUUID();
        f.agentInTeam(agent, team);
        UUID eventId = UUID.randomUUID();
        UUID run = UUID.randomUUID();
        UUID task = UUID.randomUUID();
        String event = runFinished(eventId, f.company, agent, run, task, "claude-sonnet-4", null);
        TestKafka.instance().send(Topics.TASKS, f.company.toString(), event);
        TestKafka.instance().send(Topics.TASKS, f.company.toString(), event);

        await().atMost(Duration.ofSeconds(30)).until(() -> f.asOwner().get(f.base() + "/cost-entries?runId=" + run)
                .then().extract().<List<?>>path("items").size() == 1);
        TestKafka.instance().awaitRecords(Topics.LEDGER, LedgerFixtures.event("cost.recorded", eventId.toString()), 1,
                Duration.ofSeconds(30));
        // the second delivery has certainly been consumed once a later event was applied
        UUID later = UUID.randomUUID();
        UUID laterRun = UUID.randomUUID();
        TestKafka.instance().send(Topics.TASKS, f.company.toString(), runFinished(later, f.company, agent, laterRun, task,
                "claude-unreleased-9", null));
        await().atMost(Duration.ofSeconds(30)).until(() -> f.asOwner().get(f.base() + "/cost-entries?runId=" + laterRun)
                .then().extract().<List<?>>path("items").size() == 1);

        f.asOwner().get(f.base() + "/cost-entries?runId=" + run).then().statusCode(200).body("items", hasSize(1))
                .body("items[0].id", equalTo(eventId.toString())).body("items[0].source", equalTo("run_finished"))
                .body("items[0].teamId", equalTo(team.toString())).body("items[0].taskId", equalTo(task.toString()))
                .body("items[0].costMicros", equalTo(3_000 + 3_000)).body("items[0].costSource", equalTo("price_table"))
                .body("items[0].occurredAt", equalTo("2026-11-21T10:00:00Z"));
        // usage of a model without a price keeps its tokens, at no cost, marked unpriced
        f.asOwner().get(f.base() + "/cost-entries?runId=" + laterRun).then().body("items[0].costSource", equalTo("unpriced"))
                .body("items[0].costMicros", equalTo(0)).body("items[0].inputTokens", equalTo(1000));
        assertEquals(1, LedgerFixtures.recordsWithin(Topics.LEDGER, LedgerFixtures.event("cost.recorded", eventId.toString()),
                Duration.ofSeconds(2)).size());
    }

    @Test
    void aPoisonEventAmongRunsIsParkedOnTheDeadLetterTopicAndTheRunsAroundItAreStillRecorded() {
        LedgerFixtures f = new LedgerFixtures();
        UUID agent = UUID.randomUUID();
        f.agentInTeam(agent, UUID.randomUUID());
        UUID task = UUID.randomUUID();
        UUID before = UUID.randomUUID();
        UUID after = UUID.randomUUID();
        UUID poisonId = UUID.randomUUID();
        String poison = runFinished(poisonId, f.company, agent, UUID.randomUUID(), task, "claude-sonnet-4", null)
                .replace("\"inputTokens\":1000", "\"inputTokens\":-5");
        // event ids are time-ordered, as producers make them, so the entries (keyed by event id) list in send order
        TestKafka.instance().send(Topics.TASKS, f.company.toString(), runFinished(Ids.newId(), f.company, agent, before,
                task, "claude-sonnet-4", 7L));
        TestKafka.instance().send(Topics.TASKS, f.company.toString(), poison);
        TestKafka.instance().send(Topics.TASKS, f.company.toString(), "{not json " + poisonId);
        TestKafka.instance().send(Topics.TASKS, f.company.toString(), runFinished(Ids.newId(), f.company, agent, after,
                task, "claude-sonnet-4", 9L));

        await().atMost(Duration.ofSeconds(30)).until(() -> f.asOwner().get(f.base() + "/cost-entries?taskId=" + task)
                .then().extract().<List<?>>path("items").size() == 2);
        f.asOwner().get(f.base() + "/cost-entries?taskId=" + task).then().statusCode(200)
                .body("items.runId", equalTo(List.of(before.toString(), after.toString())))
                .body("items.costMicros", equalTo(List.of(7, 9)));
        var parked = TestKafka.instance().awaitRecords(Topics.DEAD_LETTER, r -> r.value().contains(poisonId.toString()), 2,
                Duration.ofSeconds(30));
        for (var record : parked) {
            assertEquals(Topics.TASKS, new String(record.headers().lastHeader("dead-letter-topic").value()));
            assertNotEquals(null, record.headers().lastHeader("dead-letter-reason"), "the reason travels with the event");
        }
    }

    @Test
    void aRecordWhoseTypeHeaderNamesAnEventTheLedgerDoesNotApplyIsSkippedUnread() {
        LedgerFixtures f = new LedgerFixtures();
        UUID agent = UUID.randomUUID();
        f.agentInTeam(agent, UUID.randomUUID());
        UUID task = UUID.randomUUID();
        UUID skipped = UUID.randomUUID();
        UUID read = UUID.randomUUID();
        // two bodies the ledger cannot parse; only their type headers differ
        TestKafka.instance().sendTyped(Topics.TASKS, f.company.toString(), "io.companyagents.task.status_changed", "{not json " + skipped);
        TestKafka.instance().sendTyped(Topics.TASKS, f.company.toString(), "io.companyagents.run.finished", "{not json " + read);
        UUID run = UUID.randomUUID();
        TestKafka.instance().sendTyped(Topics.TASKS, f.company.toString(), "io.companyagents.run.finished",
                runFinished(Ids.newId(), f.company, agent, run, task, "claude-sonnet-4", 5L));

        await().atMost(Duration.ofSeconds(30)).until(() -> f.asOwner().get(f.base() + "/cost-entries?taskId=" + task)
                .then().extract().<List<?>>path("items").size() == 1);
        f.asOwner().get(f.base() + "/cost-entries?taskId=" + task).then().statusCode(200)
                .body("items[0].runId", equalTo(run.toString())).body("items[0].costMicros", equalTo(5));
        // the one named run.finished was read, found to be no event, and parked; the other was never read
        TestKafka.instance().awaitRecords(Topics.DEAD_LETTER, r -> r.value().contains(read.toString()), 1, Duration.ofSeconds(30));
        assertEquals(List.of(), LedgerFixtures.recordsWithin(Topics.DEAD_LETTER, r -> r.value().contains(skipped.toString()),
                Duration.ofSeconds(2)), "a record the ledger does not need is skipped, not parked");
    }

    @Test
    void theProvidersAndTheirPricesAreSeededByMigrations() {
        List<Map<String, Object>> providers = given().auth().oauth2(TestTokens.agent(UUID.randomUUID(), UUID.randomUUID()))
                .get("/api/v1/providers").then().statusCode(200).body("nextCursor", nullValue())
                .extract().path("items");
        assertEquals(List.of("Anthropic", "Ollama Cloud", "Self-Hosted (Ollama)", "Grok (xAI)"),
                providers.stream().map(p -> p.get("name")).toList());
        assertEquals(List.of(true, false, false, false), providers.stream().map(p -> p.get("enabled")).toList());
        for (Map<String, Object> p : providers) {
            assertNotEquals(0, ((List<?>) p.get("models")).size(), p.get("name") + " has models");
        }
        given().auth().oauth2(TestTokens.board(UUID.randomUUID(), "viewer")).get("/api/v1/providers").then().statusCode(200)
                .body("items[0].models.find { it.model == 'claude-sonnet-4' }.inputMicrosPerMillion", equalTo(3_000_000))
                .body("items[0].models.find { it.model == 'claude-sonnet-4' }.outputMicrosPerMillion", equalTo(15_000_000))
                // added by a later migration (V1_3)
                .body("items[0].models.model", hasItem("claude-haiku-4-5"));
        given().get("/api/v1/providers").then().statusCode(401);
    }

    static String runFinished(UUID eventId, UUID company, UUID agent, UUID run, UUID task, String model, Long costMicros) {
        return """
                {"specversion":"1.0","id":"%s","source":"/tasks-service","type":"io.companyagents.run.finished",
                 "time":"2026-11-21T10:00:00Z","companyid":"%s","actortype":"agent","actorid":"%s","subjecttype":"run",
                 "subjectid":"%s","data":{"runId":"%s","taskId":"%s","agentId":"%s","projectId":null,"teamId":null,
                 "status":"succeeded","summary":"done","usage":{"provider":"anthropic","model":"%s","inputTokens":1000,
                 "outputTokens":200,"cachedInputTokens":null,"costMicros":%s}}}""".formatted(eventId, company, agent, run, run,
                task, agent, model, costMicros);
    }
}
