package io.companyagents.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.companyagents.platform.events.Topics;
import io.companyagents.platform.testing.RuntimeTestResource;
import io.companyagents.platform.testing.TestKafka;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.companyagents.agents.Org.agentPath;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The ledger's budget events, sent on the real topic as the ledger would, applied to the org. */
@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class BudgetConsumerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final String ENFORCER = "budget-enforcement";

    @Test
    void aHardStopPausesTheAgentsInScopeOnceEvenWhenDeliveredTwice() throws Exception {
        UUID company = Org.company("Budget Stop");
        UUID team = Org.team(company, "Spenders");
        String inTeam = "\"teamId\":\"" + team + "\"";
        UUID active = Org.agent(company, "Active", "engineer", inTeam);
        UUID idle = Org.agent(company, "Idle", "engineer", inTeam);
        given().auth().oauth2(Org.owner(company)).contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body("{\"status\":\"idle\"}").patch(agentPath(company, idle)).then().statusCode(200);
        UUID manual = Org.agent(company, "Manual", "engineer", inTeam);
        given().auth().oauth2(Org.owner(company)).post(agentPath(company, manual) + "/pause").then().statusCode(200);
        UUID terminated = Org.agent(company, "Gone", "engineer", inTeam);
        given().auth().oauth2(Org.owner(company)).post(agentPath(company, terminated) + "/terminate").then().statusCode(200);
        UUID outside = Org.agent(company, "Outside", "engineer", "");

        String stop = budgetEvent("exceeded", company, "team", team, true);
        TestKafka.instance().send(Topics.LEDGER, company.toString(), stop);
        TestKafka.instance().send(Topics.LEDGER, company.toString(), stop);
        // a later event on the same partition: once it is applied, both copies above have been seen
        TestKafka.instance().send(Topics.LEDGER, company.toString(), budgetEvent("exceeded", company, "agent", outside, true));
        await().atMost(WAIT).until(() -> "paused".equals(status(company, outside)));

        assertAgent(company, active, "paused", "budget");
        assertAgent(company, idle, "paused", "budget");
        assertAgent(company, manual, "paused", "manual");
        assertAgent(company, terminated, "terminated", null);
        assertEquals(1, Org.eventsBy("agent.status_changed", active, ENFORCER));
        assertEquals(1, Org.eventsBy("agent.status_changed", idle, ENFORCER));
        assertEquals(0, Org.eventsBy("agent.status_changed", manual, ENFORCER));
        assertEquals(0, Org.eventsBy("agent.status_changed", terminated, ENFORCER));
        given().auth().oauth2(Org.owner(company)).get(agentPath(company, active)).then().body("version", org.hamcrest.Matchers.equalTo(1));

        // the board overrides the stop for one agent; a late redelivery of the stop must not undo that
        given().auth().oauth2(Org.owner(company)).post(agentPath(company, active) + "/resume").then().statusCode(200);
        UUID sentinel = Org.agent(company, "Sentinel", "engineer", "");
        TestKafka.instance().send(Topics.LEDGER, company.toString(), stop);
        TestKafka.instance().send(Topics.LEDGER, company.toString(), budgetEvent("exceeded", company, "agent", sentinel, true));
        await().atMost(WAIT).until(() -> "paused".equals(status(company, sentinel)));
        assertAgent(company, active, "active", null);
        assertEquals(1, Org.eventsBy("agent.status_changed", active, ENFORCER));
        assertEquals(1, Org.scalar("select count(*) from agents.inbox where event_id = ?::uuid",
                JSON.readTree(stop).get("id").asText()));

        List<ConsumerRecord<String, String>> records = TestKafka.instance().awaitRecords(Topics.AGENTS,
                r -> r.value().contains("io.companyagents.agent.status_changed") && r.value().contains(ENFORCER)
                        && r.value().contains(active.toString()), 1, WAIT);
        JsonNode event = JSON.readTree(records.get(0).value());
        assertEquals("system", event.get("actortype").asText());
        assertEquals(company.toString(), records.get(0).key());
        assertEquals("paused", event.get("data").get("status").asText());
        assertEquals("budget", event.get("data").get("pauseReason").asText());
        assertEquals(team.toString(), event.get("data").get("teamId").asText());
        assertEquals("Active", event.get("data").get("name").asText());
    }

    @Test
    void aRecoveryResumesOnlyTheAgentsThatBudgetPausedAndNoOtherBudgetStillHolds() throws Exception {
        UUID company = Org.company("Budget Recovery");
        UUID team = Org.team(company, "Savers");
        String inTeam = "\"teamId\":\"" + team + "\"";
        UUID first = Org.agent(company, "First", "engineer", inTeam);
        UUID manual = Org.agent(company, "Manual", "engineer", inTeam);
        given().auth().oauth2(Org.owner(company)).post(agentPath(company, manual) + "/pause").then().statusCode(200);
        UUID doublyHeld = Org.agent(company, "Doubly", "engineer", inTeam);

        send(budgetEvent("exceeded", company, "team", team, true));
        send(budgetEvent("exceeded", company, "agent", doublyHeld, true));
        await().atMost(WAIT).until(() -> "paused".equals(status(company, first)) && "paused".equals(status(company, doublyHeld)));

        send(budgetEvent("recovered", company, "team", team, true));
        await().atMost(WAIT).until(() -> "active".equals(status(company, first)));
        assertAgent(company, first, "active", null);
        assertAgent(company, manual, "paused", "manual");
        assertAgent(company, doublyHeld, "paused", "budget");

        // a soft limit pauses nobody; the agent's own budget recovering releases the last hold
        send(budgetEvent("exceeded", company, "agent", first, false));
        send(budgetEvent("recovered", company, "agent", doublyHeld, true));
        await().atMost(WAIT).until(() -> "active".equals(status(company, doublyHeld)));
        assertAgent(company, first, "active", null);
        assertAgent(company, manual, "paused", "manual");
        assertEquals(2, Org.eventsBy("agent.status_changed", first, ENFORCER), "paused once, resumed once");
        assertEquals(2, Org.eventsBy("agent.status_changed", doublyHeld, ENFORCER));
        assertEquals(0, Org.eventsBy("agent.status_changed", manual, ENFORCER));
    }

    @Test
    void aPoisonEventGoesToTheDeadLetterTopicAndTheConsumerKeepsGoing() {
        UUID company = Org.company("Budget Poison");
        UUID agent = Org.agent(company, "Survivor", "engineer", "");
        String garbage = "not json {" + UUID.randomUUID();
        String noScope = budgetEvent("exceeded", company, "galaxy", agent, true);
        send(garbage);
        send(noScope);
        send(budgetEvent("exceeded", company, "agent", agent, true));
        TestKafka.instance().awaitRecords(Topics.DEAD_LETTER, r -> garbage.equals(r.value()), 1, WAIT);
        TestKafka.instance().awaitRecords(Topics.DEAD_LETTER, r -> noScope.equals(r.value()), 1, WAIT);
        await().atMost(WAIT).until(() -> "paused".equals(status(company, agent)));
    }

    @Test
    void aRecordWhoseTypeHeaderNamesAnotherLedgerEventIsSkippedUnread() {
        UUID company = Org.company("Budget Header");
        UUID agent = Org.agent(company, "Header", "engineer", "");
        String skipped = "not json {" + UUID.randomUUID();
        String read = "not json {" + UUID.randomUUID();
        // one key, so the three are consumed in this order
        TestKafka.instance().sendTyped(Topics.LEDGER, company.toString(), "io.companyagents.cost.recorded", skipped);
        TestKafka.instance().sendTyped(Topics.LEDGER, company.toString(), "io.companyagents.budget.exceeded", read);
        TestKafka.instance().sendTyped(Topics.LEDGER, company.toString(), "io.companyagents.budget.exceeded",
                budgetEvent("exceeded", company, "agent", agent, true));
        await().atMost(WAIT).until(() -> "paused".equals(status(company, agent)));
        TestKafka.instance().awaitRecords(Topics.DEAD_LETTER, r -> read.equals(r.value()), 1, WAIT);
        assertEquals(List.of(), TestKafka.instance().recordsWithin(Topics.DEAD_LETTER, r -> skipped.equals(r.value()),
                Duration.ofSeconds(2)), "a record the header names as no budget signal is skipped, not parked");
    }

    private static void send(String event) {
        // the company id is in the event; every event of one test shares its partition
        String key = event.contains("\"companyid\"") ? event.replaceAll(".*\"companyid\":\"([^\"]+)\".*", "$1") : "poison";
        TestKafka.instance().send(Topics.LEDGER, key, event);
    }

    static String budgetEvent(String verb, UUID company, String scopeType, UUID scopeId, boolean hardStop) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"/ledger-service\","
                + "\"type\":\"io.companyagents.budget." + verb + "\",\"time\":\"2026-11-21T10:00:00Z\","
                + "\"datacontenttype\":\"application/json\",\"companyid\":\"" + company + "\",\"actortype\":\"system\","
                + "\"actorid\":\"ledger\",\"subjecttype\":\"budget\",\"subjectid\":\"" + scopeId + "\",\"data\":{"
                + "\"budgetId\":\"" + UUID.randomUUID() + "\",\"scopeType\":\"" + scopeType + "\",\"scopeId\":\"" + scopeId
                + "\",\"window\":\"month\",\"windowStart\":\"2026-11-01\",\"limitMicros\":1000000,"
                + "\"spentMicros\":1500000,\"hardStop\":" + hardStop + ",\"state\":\"" + verb + "\"}}";
    }

    private static String status(UUID company, UUID agent) {
        return given().auth().oauth2(Org.owner(company)).get(agentPath(company, agent)).then().statusCode(200)
                .extract().path("status");
    }

    private static void assertAgent(UUID company, UUID agent, String status, String pauseReason) {
        given().auth().oauth2(Org.owner(company)).get(agentPath(company, agent)).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo(status))
                .body("pauseReason", org.hamcrest.Matchers.equalTo(pauseReason));
    }
}
