package io.companyagents.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.companyagents.platform.events.Topics;
import io.companyagents.platform.testing.RuntimeTestResource;
import io.companyagents.platform.testing.TestKafka;
import io.companyagents.platform.testing.TestTokens;
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
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Hiring under approval: a company that requires it gets new agents that wait for the board. */
@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class HiringApprovalTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static UUID companyRequiringApproval(String name) {
        UUID company = Org.company(name);
        given().auth().oauth2(Org.owner(company)).contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body("{\"requireAgentApproval\":true}").patch("/api/v1/companies/" + company)
                .then().statusCode(200).body("requireAgentApproval", equalTo(true)).body("version", equalTo(1));
        return company;
    }

    private static String pendingHireOf(UUID company, UUID agent) {
        return given().auth().oauth2(Org.owner(company)).queryParam("kind", "hire_agent").queryParam("status", "pending")
                .get("/api/v1/companies/" + company + "/approvals")
                .then().statusCode(200).body("items", hasSize(1))
                .body("items[0].agentId", equalTo(agent.toString()))
                .body("items[0].payload.agentId", equalTo(agent.toString()))
                .extract().path("items[0].id");
    }

    private static String approvalPath(UUID company, String approval) {
        return "/api/v1/companies/" + company + "/approvals/" + approval;
    }

    @Test
    void aNewAgentWaitsForTheBoardCannotWorkMeanwhileAndApprovalMakesItActive() throws Exception {
        UUID company = companyRequiringApproval("Careful Hiring Co");
        String owner = Org.owner(company);
        UUID agent = Org.agent(company, "Newcomer", "engineer", "");
        given().auth().oauth2(owner).get(agentPath(company, agent)).then().statusCode(200)
                .body("status", equalTo("pending_approval")).body("version", equalTo(0));

        // tasks-service learns the status from agent.created and refuses its claims
        List<ConsumerRecord<String, String>> created = TestKafka.instance().awaitRecords(Topics.AGENTS,
                r -> r.value().contains("io.companyagents.agent.created") && r.value().contains(agent.toString()), 1,
                Duration.ofSeconds(30));
        assertEquals("pending_approval", JSON.readTree(created.get(0).value()).get("data").get("status").asText());

        String approval = pendingHireOf(company, agent);
        given().auth().oauth2(owner).get(approvalPath(company, approval)).then().statusCode(200)
                .body("kind", equalTo("hire_agent")).body("payload.name", equalTo("Newcomer"))
                .body("payload.role", equalTo("engineer")).body("requestedByType", equalTo("board"));
        assertEquals(1, Org.events("approval.requested", UUID.fromString(approval)));

        // only the decision takes it out of pending_approval
        given().auth().oauth2(owner).post(agentPath(company, agent) + "/pause")
                .then().statusCode(409).body("code", equalTo("illegal_transition"))
                .body("currentStatus", equalTo("pending_approval"));
        given().auth().oauth2(owner).post(agentPath(company, agent) + "/resume").then().statusCode(409);
        given().auth().oauth2(owner).contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body("{\"status\":\"active\"}").patch(agentPath(company, agent))
                .then().statusCode(409).body("code", equalTo("illegal_transition"));
        // nor can the agent approve itself
        given().auth().oauth2(TestTokens.agent(company, agent)).post(approvalPath(company, approval) + "/approve")
                .then().statusCode(403);

        given().auth().oauth2(owner).contentType(ContentType.JSON).body("{\"note\":\"welcome\"}")
                .post(approvalPath(company, approval) + "/approve")
                .then().statusCode(200).body("status", equalTo("approved")).body("agentId", equalTo(agent.toString()));
        given().auth().oauth2(owner).get(agentPath(company, agent)).then().statusCode(200)
                .body("status", equalTo("active")).body("version", equalTo(1));
        assertEquals(1, Org.events("agent.status_changed", agent));
        List<ConsumerRecord<String, String>> changed = TestKafka.instance().awaitRecords(Topics.AGENTS,
                r -> r.value().contains("io.companyagents.agent.status_changed") && r.value().contains(agent.toString()), 1,
                Duration.ofSeconds(30));
        JsonNode data = JSON.readTree(changed.get(0).value()).get("data");
        assertEquals("active", data.get("status").asText());
        assertEquals(1, data.get("version").asLong());

        given().auth().oauth2(owner).post(approvalPath(company, approval) + "/reject")
                .then().statusCode(409).body("code", equalTo("illegal_transition"));
        given().auth().oauth2(owner).get(agentPath(company, agent)).then().body("status", equalTo("active"));
    }

    @Test
    void rejectingAHireTerminatesTheAgent() throws Exception {
        UUID company = companyRequiringApproval("Picky Co");
        String owner = Org.owner(company);
        UUID agent = Org.agent(company, "Candidate", "qa", "");
        String approval = pendingHireOf(company, agent);
        given().auth().oauth2(owner).post(approvalPath(company, approval) + "/reject")
                .then().statusCode(200).body("status", equalTo("rejected"));
        given().auth().oauth2(owner).get(agentPath(company, agent)).then().statusCode(200)
                .body("status", equalTo("terminated")).body("pauseReason", equalTo(null));
        assertEquals(1, Org.events("agent.status_changed", agent));
        given().auth().oauth2(owner).post(agentPath(company, agent) + "/resume").then().statusCode(409);
    }

    @Test
    void terminatingAnAgentThatWaitsForApprovalWithdrawsItsHire() throws Exception {
        UUID company = companyRequiringApproval("Change Of Mind Co");
        String owner = Org.owner(company);
        UUID agent = Org.agent(company, "Maybe", "engineer", "");
        String approval = pendingHireOf(company, agent);
        given().auth().oauth2(owner).post(agentPath(company, agent) + "/terminate")
                .then().statusCode(200).body("status", equalTo("terminated"));
        given().auth().oauth2(owner).get(approvalPath(company, approval)).then().statusCode(200)
                .body("status", equalTo("rejected")).body("decisionNote", containsString("withdrawn"));
        given().auth().oauth2(owner).post(approvalPath(company, approval) + "/approve").then().statusCode(409);
        given().auth().oauth2(owner).get(agentPath(company, agent)).then().body("status", equalTo("terminated"));
        assertEquals(1, Org.events("approval.decided", UUID.fromString(approval)));
    }

    @Test
    void withoutTheSettingAgentsStartActiveAndNoHireIsOpened() {
        UUID company = Org.company("Open Doors Co");
        String owner = Org.owner(company);
        given().auth().oauth2(owner).get("/api/v1/companies/" + company).then().body("requireAgentApproval", equalTo(false));
        UUID agent = Org.agent(company, "Walk-in", "engineer", "");
        given().auth().oauth2(owner).get(agentPath(company, agent)).then().body("status", equalTo("active"));
        given().auth().oauth2(owner).queryParam("kind", "hire_agent").get("/api/v1/companies/" + company + "/approvals")
                .then().statusCode(200).body("items", empty());

        // the setting can also be given at creation, and a hire_agent request without an agent decides none
        String gated = given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON)
                .body("{\"name\":\"Gated " + UUID.randomUUID().toString().substring(0, 8) + "\",\"requireAgentApproval\":true}")
                .post("/api/v1/companies").then().statusCode(201).body("requireAgentApproval", equalTo(true))
                .extract().path("id");
        UUID gatedCompany = UUID.fromString(gated);
        String asked = given().auth().oauth2(TestTokens.agent(gatedCompany, UUID.randomUUID())).contentType(ContentType.JSON)
                .body("{\"kind\":\"hire_agent\",\"payload\":{\"role\":\"designer\"}}")
                .post("/api/v1/companies/" + gated + "/approvals").then().statusCode(201)
                .body("agentId", equalTo(null)).extract().path("id");
        given().auth().oauth2(Org.owner(gatedCompany)).post("/api/v1/companies/" + gated + "/approvals/" + asked + "/approve")
                .then().statusCode(200).body("status", equalTo("approved"));
    }
}
