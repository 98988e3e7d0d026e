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
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class AgentResourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anAgentIsCreatedActiveWithDefaultsAndPublishedInFull() throws Exception {
        UUID company = Org.company("Agents Inc");
        UUID team = Org.team(company, "Platform");
        UUID ceo = Org.agent(company, "Ada", "ceo", "");
        String id = given().auth().oauth2(Org.owner(company)).contentType(ContentType.JSON)
                .body("{\"name\":\"Bob\",\"role\":\"engineer\",\"title\":\"Backend\",\"teamId\":\"" + team
                        + "\",\"reportsTo\":\"" + ceo + "\",\"adapterType\":\"claude_local\","
                        + "\"adapterConfig\":{\"model\":\"opus\",\"args\":[\"--fast\"]},\"capabilities\":[\"java\",\"sql\"]}")
                .post("/api/v1/companies/" + company + "/agents")
                .then().statusCode(201).header("ETag", "\"0\"").header("Location", notNullValue())
                .body("status", equalTo("active")).body("pauseReason", equalTo(null))
                .body("teamId", equalTo(team.toString())).body("reportsTo", equalTo(ceo.toString()))
                .body("adapterConfig.model", equalTo("opus")).body("adapterConfig.args", contains("--fast"))
                .body("capabilities", contains("java", "sql")).body("heartbeatIntervalSeconds", equalTo(60))
                .body("createdAt", notNullValue()).body("version", equalTo(0))
                .extract().path("id");
        given().auth().oauth2(Org.owner(company)).get(agentPath(company, UUID.fromString(id)))
                .then().statusCode(200).header("ETag", "\"0\"").body("adapterType", equalTo("claude_local"))
                .body("title", equalTo("Backend"));

        List<ConsumerRecord<String, String>> records = TestKafka.instance().awaitRecords(Topics.AGENTS,
                r -> r.value().contains("io.companyagents.agent.created") && r.value().contains(id), 1, Duration.ofSeconds(30));
        assertEquals(company.toString(), records.get(0).key());
        JsonNode data = JSON.readTree(records.get(0).value()).get("data");
        assertEquals(id, data.get("id").asText());
        assertEquals("Bob", data.get("name").asText());
        assertEquals(team.toString(), data.get("teamId").asText());
        assertEquals("engineer", data.get("role").asText());
        assertEquals("Backend", data.get("title").asText());
        assertEquals(ceo.toString(), data.get("reportsTo").asText());
        assertEquals("active", data.get("status").asText());
        assertEquals(0, data.get("version").asLong());
    }

    @Test
    void agentsAreListedByTeamStatusAndRoleInPages() {
        UUID company = Org.company("Listing Inc");
        UUID team = Org.team(company, "Core");
        UUID a = Org.agent(company, "A", "engineer", "\"teamId\":\"" + team + "\"");
        UUID b = Org.agent(company, "B", "qa", "\"teamId\":\"" + team + "\"");
        UUID c = Org.agent(company, "C", "engineer", "");
        given().auth().oauth2(Org.owner(company)).post(agentPath(company, c) + "/pause").then().statusCode(200);
        String base = "/api/v1/companies/" + company + "/agents";
        String board = Org.owner(company);
        given().auth().oauth2(board).queryParam("teamId", team.toString()).get(base)
                .then().statusCode(200).body("items.id", contains(a.toString(), b.toString()));
        given().auth().oauth2(board).queryParam("role", "engineer").get(base)
                .then().body("items.id", contains(a.toString(), c.toString()));
        given().auth().oauth2(board).queryParam("status", "paused").get(base)
                .then().body("items.id", contains(c.toString()));
        given().auth().oauth2(board).queryParam("status", "sleeping").get(base)
                .then().statusCode(400).body("errors[0].field", equalTo("status"));
        String cursor = given().auth().oauth2(board).queryParam("limit", 2).get(base)
                .then().body("items.id", contains(a.toString(), b.toString())).body("nextCursor", notNullValue())
                .extract().path("nextCursor");
        given().auth().oauth2(board).queryParam("limit", 2).queryParam("cursor", cursor).get(base)
                .then().body("items.id", contains(c.toString())).body("nextCursor", equalTo(null));
    }

    @Test
    void aBoardKeyOfAnotherCompanyGetsNotFoundForItsTeamsAndAgents() {
        UUID mine = Org.company("Tenant A");
        UUID theirs = Org.company("Tenant B");
        UUID theirTeam = Org.team(theirs, "Secret team");
        UUID theirAgent = Org.agent(theirs, "Hidden", "engineer", "");
        String board = Org.owner(mine);
        given().auth().oauth2(board).get("/api/v1/companies/" + theirs + "/teams/" + theirTeam).then().statusCode(404);
        given().auth().oauth2(board).get("/api/v1/companies/" + theirs + "/teams").then().statusCode(404);
        given().auth().oauth2(board).get(agentPath(theirs, theirAgent)).then().statusCode(404).body("code", equalTo("not_found"));
        given().auth().oauth2(board).get("/api/v1/companies/" + theirs + "/agents").then().statusCode(404);
        given().auth().oauth2(board).get("/api/v1/companies/" + theirs + "/org-chart").then().statusCode(404);
        given().auth().oauth2(board).post(agentPath(theirs, theirAgent) + "/pause").then().statusCode(404);
        // their ids under my company are not found either
        given().auth().oauth2(board).get(agentPath(mine, theirAgent)).then().statusCode(404);
        given().auth().oauth2(board).get("/api/v1/companies/" + mine + "/teams/" + theirTeam).then().statusCode(404);
        // and cannot be referenced from my company
        given().auth().oauth2(board).contentType(ContentType.JSON)
                .body("{\"name\":\"Spy\",\"role\":\"engineer\",\"teamId\":\"" + theirTeam + "\",\"reportsTo\":\"" + theirAgent + "\"}")
                .post("/api/v1/companies/" + mine + "/agents")
                .then().statusCode(400).body("errors.field", hasItem("teamId"));
    }

    @Test
    void anAgentKeyReadsItsCompanysAgentsButCannotChangeThem() {
        UUID company = Org.company("Self Inc");
        UUID me = Org.agent(company, "Me", "engineer", "");
        String agentKey = TestTokens.agent(company, me);
        given().auth().oauth2(agentKey).get(agentPath(company, me)).then().statusCode(200);
        given().auth().oauth2(agentKey).get("/api/v1/companies/" + company + "/agents").then().statusCode(200)
                .body("items.id", hasItem(me.toString()));
        given().auth().oauth2(agentKey).get("/api/v1/companies/" + company + "/org-chart").then().statusCode(200);
        given().auth().oauth2(agentKey).contentType(ContentType.JSON).body("{\"name\":\"Clone\",\"role\":\"engineer\"}")
                .post("/api/v1/companies/" + company + "/agents").then().statusCode(403).body("code", equalTo("forbidden"));
        given().auth().oauth2(agentKey).contentType(ContentType.JSON).header("If-Match", "\"0\"").body("{\"title\":\"Boss\"}")
                .patch(agentPath(company, me)).then().statusCode(403);
        given().auth().oauth2(agentKey).post(agentPath(company, me) + "/terminate").then().statusCode(403);
        given().auth().oauth2(agentKey).contentType(ContentType.JSON).body("{\"name\":\"Mine\"}")
                .post("/api/v1/companies/" + company + "/teams").then().statusCode(403);
    }

    @Test
    void viewerKeysCannotWriteAnything() {
        UUID company = Org.company("Viewer Inc");
        UUID team = Org.team(company, "Viewed");
        UUID agent = Org.agent(company, "Watched", "engineer", "");
        String viewer = TestTokens.board(company, "viewer");
        given().auth().oauth2(viewer).get(agentPath(company, agent)).then().statusCode(200);
        given().auth().oauth2(viewer).contentType(ContentType.JSON).body("{\"name\":\"V\",\"role\":\"qa\"}")
                .post("/api/v1/companies/" + company + "/agents").then().statusCode(403);
        given().auth().oauth2(viewer).contentType(ContentType.JSON).header("If-Match", "\"0\"").body("{\"title\":\"x\"}")
                .patch(agentPath(company, agent)).then().statusCode(403);
        given().auth().oauth2(viewer).post(agentPath(company, agent) + "/pause").then().statusCode(403);
        given().auth().oauth2(viewer).contentType(ContentType.JSON).body("{\"name\":\"T\"}")
                .post("/api/v1/companies/" + company + "/teams").then().statusCode(403);
        given().auth().oauth2(viewer).delete("/api/v1/companies/" + company + "/teams/" + team).then().statusCode(403);
        given().auth().oauth2(viewer).contentType(ContentType.JSON).body("{\"name\":\"P\"}")
                .post("/api/v1/companies/" + company + "/projects").then().statusCode(403);
        given().auth().oauth2(viewer).get(agentPath(company, agent)).then().body("status", equalTo("active")).body("version", equalTo(0));
    }

    @Test
    void aPatchNeedsTheCurrentVersionAndPublishesTheFullAgent() throws Exception {
        UUID company = Org.company("Patch Inc");
        UUID team = Org.team(company, "Ops");
        UUID agent = Org.agent(company, "Pat", "engineer", "\"title\":\"Dev\"");
        String board = Org.owner(company);
        given().auth().oauth2(board).contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body("{\"teamId\":\"" + team + "\",\"title\":null,\"capabilities\":[\"go\"],\"status\":\"idle\"}")
                .patch(agentPath(company, agent))
                .then().statusCode(200).header("ETag", "\"1\"").body("teamId", equalTo(team.toString()))
                .body("title", equalTo(null)).body("capabilities", contains("go")).body("status", equalTo("idle"))
                .body("name", equalTo("Pat"));
        given().auth().oauth2(board).contentType(ContentType.JSON).header("If-Match", "\"0\"").body("{\"name\":\"Lost\"}")
                .patch(agentPath(company, agent)).then().statusCode(412).body("code", equalTo("precondition_failed"));
        given().auth().oauth2(board).contentType(ContentType.JSON).body("{\"name\":\"Blind\"}")
                .patch(agentPath(company, agent)).then().statusCode(428);
        given().auth().oauth2(board).contentType(ContentType.JSON).header("If-Match", "\"1\"").body("{\"name\":\"Renamed\"}")
                .patch(agentPath(company, agent)).then().statusCode(200).header("ETag", "\"2\"");
        // read-only and unknown members are refused
        for (String body : List.of("{\"pauseReason\":\"x\"}", "{\"createdAt\":null}", "{\"id\":null}", "{\"version\":3}")) {
            given().auth().oauth2(board).contentType(ContentType.JSON).header("If-Match", "\"2\"").body(body)
                    .patch(agentPath(company, agent)).then().statusCode(400).body("code", equalTo("validation_failed"));
        }
        given().auth().oauth2(board).contentType(ContentType.JSON).header("If-Match", "\"2\"")
                .body("{\"adapterConfig\":[1],\"heartbeatIntervalSeconds\":1}").patch(agentPath(company, agent))
                .then().statusCode(400);
        // status moves only between active and idle by a patch
        given().auth().oauth2(board).contentType(ContentType.JSON).header("If-Match", "\"2\"").body("{\"status\":\"paused\"}")
                .patch(agentPath(company, agent)).then().statusCode(409).body("code", equalTo("illegal_transition"));

        assertEquals(1, Org.events("agent.status_changed", agent), "idle is a status change");
        assertEquals(1, Org.events("agent.updated", agent), "the rename is an update");
        List<ConsumerRecord<String, String>> records = TestKafka.instance().awaitRecords(Topics.AGENTS,
                r -> r.value().contains("io.companyagents.agent.updated") && r.value().contains(agent.toString()), 1,
                Duration.ofSeconds(30));
        JsonNode data = JSON.readTree(records.get(0).value()).get("data");
        assertEquals("Renamed", data.get("name").asText());
        assertEquals(team.toString(), data.get("teamId").asText(), "the event carries the whole agent, not the change");
        assertEquals("idle", data.get("status").asText());
        assertEquals(2, data.get("version").asLong());
    }

    @Test
    void reportsToCannotFormACycle() {
        UUID company = Org.company("Cycle Inc");
        UUID ceo = Org.agent(company, "Top", "ceo", "");
        UUID manager = Org.agent(company, "Mid", "manager", "\"reportsTo\":\"" + ceo + "\"");
        UUID engineer = Org.agent(company, "Low", "engineer", "\"reportsTo\":\"" + manager + "\"");
        String board = Org.owner(company);
        given().auth().oauth2(board).contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body("{\"reportsTo\":\"" + engineer + "\"}").patch(agentPath(company, ceo))
                .then().statusCode(409).contentType("application/problem+json").body("code", equalTo("reports_to_cycle"));
        given().auth().oauth2(board).contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body("{\"reportsTo\":\"" + manager + "\"}").patch(agentPath(company, manager))
                .then().statusCode(409).body("code", equalTo("reports_to_cycle"));
        given().auth().oauth2(board).contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body("{\"reportsTo\":\"" + UUID.randomUUID() + "\"}").patch(agentPath(company, ceo))
                .then().statusCode(400).body("errors[0].field", equalTo("reportsTo"));
        // moving the engineer up to the CEO is fine, and so is then the manager under the engineer
        given().auth().oauth2(board).contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body("{\"reportsTo\":\"" + ceo + "\"}").patch(agentPath(company, engineer)).then().statusCode(200);
        given().auth().oauth2(board).contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body("{\"reportsTo\":\"" + engineer + "\"}").patch(agentPath(company, manager)).then().statusCode(200);
        given().auth().oauth2(board).get("/api/v1/companies/" + company + "/org-chart")
                .then().statusCode(200).body("agents", equalTo(3))
                .body("roots.id", contains(ceo.toString()))
                .body("roots[0].reports.id", contains(engineer.toString()))
                .body("roots[0].reports[0].reports.id", contains(manager.toString()))
                .body("roots[0].reports[0].reports[0].reports", empty());
    }

    @Test
    void pauseResumeAndTerminateFollowTheLifecycleAndTerminatedIsFinal() throws Exception {
        UUID company = Org.company("Lifecycle Inc");
        UUID agent = Org.agent(company, "Life", "engineer", "");
        String board = Org.owner(company);
        given().auth().oauth2(board).post(agentPath(company, agent) + "/resume")
                .then().statusCode(409).body("code", equalTo("illegal_transition"))
                .body("currentStatus", equalTo("active")).body("allowedActions", contains("pause", "terminate"));
        given().auth().oauth2(board).contentType(ContentType.JSON).body("{\"reason\":\"investigating a loop\"}")
                .post(agentPath(company, agent) + "/pause")
                .then().statusCode(200).header("ETag", "\"1\"").body("status", equalTo("paused"))
                .body("pauseReason", equalTo("investigating a loop"));
        given().auth().oauth2(board).contentType(ContentType.JSON).body("{\"reason\":\"budget\"}")
                .post(agentPath(company, agent) + "/pause").then().statusCode(400);
        given().auth().oauth2(board).post(agentPath(company, agent) + "/resume")
                .then().statusCode(200).body("status", equalTo("active")).body("pauseReason", equalTo(null));
        given().auth().oauth2(board).post(agentPath(company, agent) + "/pause")
                .then().statusCode(200).body("pauseReason", equalTo("manual"));
        given().auth().oauth2(board).post(agentPath(company, agent) + "/terminate")
                .then().statusCode(200).body("status", equalTo("terminated")).body("pauseReason", equalTo(null));
        given().auth().oauth2(board).post(agentPath(company, agent) + "/resume")
                .then().statusCode(409).body("code", equalTo("illegal_transition")).body("allowedActions", hasSize(0));
        given().auth().oauth2(board).post(agentPath(company, agent) + "/pause").then().statusCode(409);
        given().auth().oauth2(board).contentType(ContentType.JSON).header("If-Match", "*").body("{\"name\":\"Zombie\"}")
                .patch(agentPath(company, agent)).then().statusCode(409).body("code", equalTo("agent_terminated"));
        assertEquals(4, Org.events("agent.status_changed", agent), "pause, resume, pause, terminate");
        given().auth().oauth2(board).get(agentPath(company, agent)).then().body("status", equalTo("terminated"))
                .body("version", equalTo(4));
    }

    @Test
    void aTeamIsManagedAndItsDeleteIsRefusedWhileAgentsAreInIt() throws Exception {
        UUID company = Org.company("Teams Inc");
        String board = Org.owner(company);
        String base = "/api/v1/companies/" + company + "/teams";
        UUID lead = Org.agent(company, "Lead", "manager", "");
        String teamId = given().auth().oauth2(board).contentType(ContentType.JSON)
                .body("{\"name\":\"Payments\",\"description\":\"money\",\"leadAgentId\":\"" + lead + "\"}")
                .post(base).then().statusCode(201).header("ETag", "\"0\"")
                .body("leadAgentId", equalTo(lead.toString())).extract().path("id");
        UUID team = UUID.fromString(teamId);
        given().auth().oauth2(board).contentType(ContentType.JSON).body("{\"name\":\"payments\"}")
                .post(base).then().statusCode(409).body("code", equalTo("team_name_taken"));
        given().auth().oauth2(board).contentType(ContentType.JSON).body("{\"name\":\"Ghost\",\"leadAgentId\":\"" + UUID.randomUUID() + "\"}")
                .post(base).then().statusCode(400).body("errors[0].field", equalTo("leadAgentId"));
        given().auth().oauth2(board).contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body("{\"description\":null,\"leadAgentId\":null}").patch(base + "/" + team)
                .then().statusCode(200).header("ETag", "\"1\"").body("description", equalTo(null))
                .body("leadAgentId", equalTo(null)).body("name", equalTo("Payments"));
        given().auth().oauth2(board).contentType(ContentType.JSON).header("If-Match", "\"0\"").body("{\"name\":\"Stale\"}")
                .patch(base + "/" + team).then().statusCode(412);
        given().auth().oauth2(board).get(base).then().body("items.id", contains(team.toString()));

        UUID member = Org.agent(company, "Member", "engineer", "\"teamId\":\"" + team + "\"");
        UUID retired = Org.agent(company, "Retired", "engineer", "\"teamId\":\"" + team + "\"");
        given().auth().oauth2(board).post(agentPath(company, retired) + "/terminate").then().statusCode(200);
        given().auth().oauth2(board).delete(base + "/" + team)
                .then().statusCode(409).body("code", equalTo("team_not_empty"));
        given().auth().oauth2(board).get(base + "/" + team).then().statusCode(200);

        given().auth().oauth2(board).contentType(ContentType.JSON).header("If-Match", "\"0\"").body("{\"teamId\":null}")
                .patch(agentPath(company, member)).then().statusCode(200).body("teamId", equalTo(null));
        given().auth().oauth2(board).header("If-Match", "\"0\"").delete(base + "/" + team).then().statusCode(412);
        given().auth().oauth2(board).delete(base + "/" + team).then().statusCode(204);
        given().auth().oauth2(board).get(base + "/" + team).then().statusCode(404);
        // the terminated agent let go of the deleted team, and said so
        given().auth().oauth2(board).get(agentPath(company, retired)).then().body("teamId", equalTo(null));
        assertEquals(1, Org.events("agent.updated", retired));
        assertEquals(1, Org.events("team.deleted", team));
        assertEquals(1, Org.events("team.created", team));
    }

    @Test
    void theOrgChartIsATreeOfReportingLines() {
        UUID company = Org.company("Chart Inc");
        UUID ceo = Org.agent(company, "Chief", "ceo", "");
        UUID a = Org.agent(company, "A", "manager", "\"reportsTo\":\"" + ceo + "\"");
        UUID b = Org.agent(company, "B", "qa", "\"reportsTo\":\"" + ceo + "\"");
        UUID a1 = Org.agent(company, "A1", "engineer", "\"reportsTo\":\"" + a + "\"");
        UUID loner = Org.agent(company, "Loner", "researcher", "");
        given().auth().oauth2(Org.owner(company)).get("/api/v1/companies/" + company + "/org-chart")
                .then().statusCode(200).body("companyId", equalTo(company.toString())).body("agents", equalTo(5))
                .body("roots.id", contains(ceo.toString(), loner.toString()))
                .body("roots[0].reports.id", contains(a.toString(), b.toString()))
                .body("roots[0].reports[0].reports.id", contains(a1.toString()))
                .body("roots[0].reports[0].role", equalTo("manager"))
                .body("roots[1].reports", empty());
        UUID empty = Org.company("Empty Inc");
        given().auth().oauth2(Org.owner(empty)).get("/api/v1/companies/" + empty + "/org-chart")
                .then().statusCode(200).body("agents", equalTo(0)).body("roots", empty());
    }

    @Test
    void creatingForACompanyThatDoesNotExistIsNotFound() {
        UUID nowhere = UUID.randomUUID();
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).body("{\"name\":\"X\",\"role\":\"qa\"}")
                .post("/api/v1/companies/" + nowhere + "/agents").then().statusCode(404);
        given().auth().oauth2(TestTokens.admin()).get("/api/v1/companies/" + nowhere + "/agents").then().statusCode(404);
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).body("{\"role\":\"qa\",\"status\":\"idle\"}")
                .post("/api/v1/companies/" + Org.company("Strict Inc") + "/agents").then().statusCode(400)
                .body("errors.field", containsInAnyOrder("status"));
    }

    @Test
    void theOpenApiDescribesTheOrgWithUniqueOperationIds() throws Exception {
        JsonNode doc = JSON.readTree(given().get("/q/openapi?format=json").then().statusCode(200).extract().asString());
        for (String path : List.of("/api/v1/companies/{companyId}", "/api/v1/companies/{companyId}/teams/{teamId}",
                "/api/v1/companies/{companyId}/agents/{agentId}/pause", "/api/v1/companies/{companyId}/org-chart",
                "/api/v1/companies/{companyId}/projects/{projectId}")) {
            org.junit.jupiter.api.Assertions.assertTrue(doc.get("paths").has(path), path);
        }
        List<String> ids = doc.get("paths").findValues("operationId").stream().map(JsonNode::asText).toList();
        assertEquals(ids.size(), new java.util.HashSet<>(ids).size(), "operation ids are unique: " + ids);
        org.junit.jupiter.api.Assertions.assertFalse(doc.toString().contains("\"gitToken\":{\"type\":\"string\",\"readOnly\""));
    }
}
