package io.companyagents.tasks;

import io.companyagents.platform.events.Topics;
import io.companyagents.platform.testing.TestKafka;
import io.companyagents.platform.testing.TestTokens;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Small helpers the task tests share: a company of their own, tokens, and the common calls. */
final class TaskFixtures {

    final UUID company = UUID.randomUUID();
    final String admin = TestTokens.admin();

    RequestSpecification asAdmin() {
        return given().auth().oauth2(admin).contentType(ContentType.JSON);
    }

    RequestSpecification asAgent(UUID agent) {
        return given().auth().oauth2(TestTokens.agent(company, agent)).contentType(ContentType.JSON);
    }

    String base() {
        return "/api/v1/companies/" + company;
    }

    String createTask(String json) {
        return asAdmin().body(json).post(base() + "/tasks").then().statusCode(201).extract().path("id");
    }

    String createTask(String title, String policy) {
        return createTask("{\"title\":\"" + title + "\",\"reviewPolicy\":\"" + policy + "\"}");
    }

    Response claim(UUID agent, String taskId, int leaseSeconds) {
        return asAgent(agent).body(Map.of("agentId", agent.toString(), "leaseSeconds", leaseSeconds))
                .post(base() + "/tasks/" + taskId + "/claim");
    }

    Response act(UUID agent, String taskId, String action, Object body) {
        return asAgent(agent).body(body).post(base() + "/tasks/" + taskId + "/actions/" + action);
    }

    Map<String, Object> task(String taskId) {
        return asAdmin().get(base() + "/tasks/" + taskId).then().statusCode(200).extract().path("$");
    }

    /** Tells tasks-service about an agent the way agents-service does: an event on ca.agents.v1. */
    void agentEvent(UUID agent, String role, String status, long version, String type) {
        String event = """
                {"specversion":"1.0","id":"%s","source":"/agents-service","type":"io.companyagents.%s",
                 "time":"2026-11-22T00:00:00Z","companyid":"%s","actortype":"admin","actorid":"t","subjecttype":"agent",
                 "subjectid":"%s","data":{"id":"%s","name":"a","teamId":null,"role":"%s","title":null,"reportsTo":null,
                 "status":"%s","pauseReason":null,"version":%d}}""".formatted(UUID.randomUUID(), type, company, agent, agent,
                role, status, version);
        TestKafka.instance().send(Topics.AGENTS, company.toString(), event);
    }

    void budgetEvent(String type, String scopeType, UUID scopeId) {
        String event = """
                {"specversion":"1.0","id":"%s","source":"/ledger-service","type":"io.companyagents.%s",
                 "time":"2026-11-22T00:00:00Z","companyid":"%s","actortype":"system","actorid":"ledger","subjecttype":"budget",
                 "subjectid":"%s","data":{"budgetId":"%s","scopeType":"%s","scopeId":"%s","window":"month","windowStart":"2026-11-01",
                 "limitMicros":100,"spentMicros":150,"hardStop":true,"state":"exceeded"}}""".formatted(UUID.randomUUID(), type,
                company, scopeId, UUID.randomUUID(), scopeType, scopeId);
        TestKafka.instance().send(Topics.LEDGER, company.toString(), event);
    }
}
