package io.companyagents.ledger;

import io.companyagents.platform.events.Topics;
import io.companyagents.platform.testing.TestKafka;
import io.companyagents.platform.testing.TestPostgres;
import io.companyagents.platform.testing.TestTokens;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/** A company of the test's own, its tokens, and the calls and events the ledger tests share. */
final class LedgerFixtures {

    final UUID company = UUID.randomUUID();
    final String owner = TestTokens.board(company, "owner");

    RequestSpecification asOwner() {
        return given().auth().oauth2(owner).contentType(ContentType.JSON);
    }

    RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    String base() {
        return "/api/v1/companies/" + company;
    }

    static Map<String, Object> entry(UUID agent, String provider, String model, long in, long out, Long costMicros,
                                     String occurredAt) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("agentId", agent.toString(), "provider", provider,
                "model", model, "inputTokens", in, "outputTokens", out, "occurredAt", occurredAt));
        if (costMicros != null) {
            body.put("costMicros", costMicros);
        }
        return body;
    }

    Response post(String token, String key, Map<String, Object> body) {
        RequestSpecification spec = as(token).body(body);
        if (key != null) {
            spec = spec.header("Idempotency-Key", key);
        }
        return spec.post(base() + "/cost-entries");
    }

    /** Records a reported cost as the owner; answers the entry id. */
    String cost(UUID agent, long costMicros, String occurredAt) {
        return post(owner, UUID.randomUUID().toString(), entry(agent, "anthropic", "claude-sonnet-4", 1, 1, costMicros, occurredAt))
                .then().statusCode(201).extract().path("id");
    }

    Response putBudget(String scopeType, UUID scopeId, Map<String, Object> body) {
        return asOwner().body(body).put(base() + "/budgets/" + scopeType + "/" + scopeId);
    }

    Map<String, Object> budget(String scopeType, UUID scopeId) {
        return asOwner().get(base() + "/budgets/" + scopeType + "/" + scopeId).then().statusCode(200).extract().path("$");
    }

    /** Tells the ledger about an agent the way agents-service does, and waits until the projection has it. */
    void agentInTeam(UUID agent, UUID team) {
        agentsInTeams(Map.of(agent, team));
    }

    /** Sends every agent's agent.created at once, then waits until the projection has them all. */
    void agentsInTeams(Map<UUID, UUID> teamOfAgent) {
        teamOfAgent.forEach((agent, team) -> TestKafka.instance().send(Topics.AGENTS, company.toString(), """
                {"specversion":"1.0","id":"%s","source":"/agents-service","type":"io.companyagents.agent.created",
                 "time":"2026-11-22T00:00:00Z","companyid":"%s","actortype":"admin","actorid":"t","subjecttype":"agent",
                 "subjectid":"%s","data":{"id":"%s","name":"a","teamId":"%s","role":"engineer","title":null,"reportsTo":null,
                 "status":"active","pauseReason":null,"version":1}}""".formatted(UUID.randomUUID(), company, agent, agent, team)));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (UUID agent : teamOfAgent.keySet()) {
                if (count("select count(*) from ledger.agents where agent_id = ?", agent) == 0) {
                    return false;
                }
            }
            return true;
        });
    }

    static long count(String sql, Object... params) throws Exception {
        try (Connection c = TestPostgres.instance().connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Every record on the topic matching, read from the beginning for {@code window} (to show that no more arrive). */
    static List<ConsumerRecord<String, String>> recordsWithin(String topic, Predicate<ConsumerRecord<String, String>> match,
                                                              Duration window) {
        return TestKafka.instance().recordsWithin(topic, match, window);
    }

    /** Ledger events of one type about one budget (or entry): the id appears in the event. */
    static Predicate<ConsumerRecord<String, String>> event(String type, String about) {
        return r -> r.value().contains("\"type\":\"io.companyagents." + type + "\"") && r.value().contains(about);
    }
}
