package io.companyagents.agents;

import io.companyagents.platform.testing.RuntimeTestResource;
import io.companyagents.platform.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/**
 * Memory scopes as agent keys see them: the ones an agent belongs to it reads and writes, a
 * project of another team it only reads (403 on a write), the rest do not exist for it (404).
 */
@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class MemoryScopeAccessTest {

    /** One company's org and a scope of every kind. */
    private static final class Fixture {
        final UUID company = Org.company("Memory Access Co");
        final String owner = Org.owner(company);
        final String base = "/api/v1/companies/" + company + "/memory-scopes";
        final UUID teamA = Org.team(company, "A");
        final UUID teamB = Org.team(company, "B");
        final UUID alice = Org.agent(company, "Alice", "engineer", "\"teamId\":\"" + teamA + "\"");
        final UUID bob = Org.agent(company, "Bob", "engineer", "\"teamId\":\"" + teamB + "\"");
        final UUID carol = Org.agent(company, "Carol", "researcher", "");
        final UUID projectA = Org.project(company, "a-repo", teamA);
        final UUID projectB = Org.project(company, "b-repo", teamB);
        final UUID projectShared = Org.project(company, "shared-repo", null);
        final String companyScope = scope("Company", "company", null, null);
        final String teamAScope = scope("Team A", "team", teamA, null);
        final String teamBScope = scope("Team B", "team", teamB, null);
        final String aliceScope = scope("Alice's", "agent", alice, null);
        final String bobScope = scope("Bob's", "agent", bob, null);
        final String projectAScope = scope("Project A", "project", projectA, null);
        final String projectBScope = scope("Project B", "project", projectB, null);
        final String sharedScope = scope("Shared project", "project", projectShared, null);
        final String aliceTask = scope("Task 1", "task", UUID.randomUUID(), alice);
        final String bobTask = scope("Task 2", "task", UUID.randomUUID(), bob);

        String scope(String name, String kind, UUID ownerId, UUID ownerAgentId) {
            String body = "{\"name\":\"" + name + "\",\"kind\":\"" + kind + "\""
                    + (ownerId == null ? "" : ",\"ownerId\":\"" + ownerId + "\"")
                    + (ownerAgentId == null ? "" : ",\"ownerAgentId\":\"" + ownerAgentId + "\"") + "}";
            return given().auth().oauth2(owner).contentType(ContentType.JSON).body(body).post(base)
                    .then().statusCode(201).extract().path("id");
        }

        String key(UUID agent) {
            return TestTokens.agent(company, agent);
        }

        int read(UUID agent, String scope) {
            int entries = given().auth().oauth2(key(agent)).get(base + "/" + scope + "/entries").then().extract().statusCode();
            int one = given().auth().oauth2(key(agent)).get(base + "/" + scope).then().extract().statusCode();
            return entries == one ? entries : -1;
        }

        int write(UUID agent, String scope) {
            return given().auth().oauth2(key(agent)).contentType(ContentType.JSON).body("{\"content\":\"note\"}")
                    .post(base + "/" + scope + "/entries").then().extract().statusCode();
        }
    }

    private static void expect(Fixture f, UUID agent, String scope, int read, int write) {
        org.junit.jupiter.api.Assertions.assertEquals(read, f.read(agent, scope), "read of " + scope);
        org.junit.jupiter.api.Assertions.assertEquals(write, f.write(agent, scope), "write to " + scope);
    }

    @Test
    void anAgentUsesOnlyTheScopesItBelongsToReadsOtherTeamsProjectsAndDoesNotSeeTheRest() {
        Fixture f = new Fixture();
        // Alice, team A: hers, her team's, the company's, her task's, her team's project and a teamless one
        expect(f, f.alice, f.companyScope, 200, 201);
        expect(f, f.alice, f.teamAScope, 200, 201);
        expect(f, f.alice, f.aliceScope, 200, 201);
        expect(f, f.alice, f.aliceTask, 200, 201);
        expect(f, f.alice, f.projectAScope, 200, 201);
        expect(f, f.alice, f.sharedScope, 200, 201);
        // another team's project: read, not write
        expect(f, f.alice, f.projectBScope, 200, 403);
        // another team's, another agent's, another agent's task: not there
        expect(f, f.alice, f.teamBScope, 404, 404);
        expect(f, f.alice, f.bobScope, 404, 404);
        expect(f, f.alice, f.bobTask, 404, 404);
        // Carol has no team: no team scope, every team's project read-only
        expect(f, f.carol, f.teamAScope, 404, 404);
        expect(f, f.carol, f.projectAScope, 200, 403);
        expect(f, f.carol, f.sharedScope, 200, 201);

        given().auth().oauth2(f.key(f.alice)).queryParam("limit", 200).get(f.base).then().statusCode(200)
                .body("items.id", containsInAnyOrder(f.companyScope, f.teamAScope, f.aliceScope, f.projectAScope,
                        f.projectBScope, f.sharedScope, f.aliceTask));
        given().auth().oauth2(f.key(f.bob)).queryParam("kind", "task").get(f.base).then().statusCode(200)
                .body("items.id", containsInAnyOrder(f.bobTask));
        given().auth().oauth2(f.key(f.carol)).queryParam("limit", 200).get(f.base).then().statusCode(200)
                .body("items.id", containsInAnyOrder(f.companyScope, f.projectAScope, f.projectBScope, f.sharedScope));
        // the board sees every scope, and what the agents wrote
        given().auth().oauth2(f.owner).queryParam("limit", 200).get(f.base).then().statusCode(200).body("items", hasSize(10));
        given().auth().oauth2(f.owner).get(f.base + "/" + f.bobScope + "/entries").then().statusCode(200).body("items", hasSize(0));
        given().auth().oauth2(f.owner).get(f.base + "/" + f.companyScope + "/entries").then().statusCode(200).body("items", hasSize(1));
    }

    @Test
    void anEntryRecordsWhoWroteItAndInWhichRun() {
        Fixture f = new Fixture();
        UUID run = UUID.randomUUID();
        String path = f.base + "/" + f.teamAScope + "/entries";
        given().auth().oauth2(f.key(f.alice)).contentType(ContentType.JSON)
                .body("{\"content\":\"the build needs JDK 17\",\"runId\":\"" + run + "\"}").post(path)
                .then().statusCode(201).body("createdByType", equalTo("agent")).body("createdBy", equalTo(f.alice.toString()))
                .body("runId", equalTo(run.toString()));
        given().auth().oauth2(f.owner).contentType(ContentType.JSON).body("{\"content\":\"and Maven 3.9\"}").post(path)
                .then().statusCode(201).body("createdByType", equalTo("board")).body("runId", equalTo(null));
        given().auth().oauth2(f.key(f.alice)).get(path).then().statusCode(200)
                .body("items.runId", containsInAnyOrder(run.toString(), null))
                .body("items.createdByType", containsInAnyOrder("agent", "board"));
        given().auth().oauth2(f.key(f.alice)).queryParam("q", "JDK").get(path).then().statusCode(200)
                .body("items[0].runId", equalTo(run.toString()));
    }

    @Test
    void anAgentCreatesOnlyScopesItMayWriteAndOwnsTheTaskScopesItCreates() {
        Fixture f = new Fixture();
        String alice = f.key(f.alice);
        String mine = given().auth().oauth2(alice).contentType(ContentType.JSON)
                .body("{\"name\":\"Task 3\",\"kind\":\"task\",\"ownerId\":\"" + UUID.randomUUID() + "\"}").post(f.base)
                .then().statusCode(201).body("ownerAgentId", equalTo(f.alice.toString())).extract().path("id");
        expect(f, f.alice, mine, 200, 201);
        expect(f, f.bob, mine, 404, 404);

        given().auth().oauth2(alice).contentType(ContentType.JSON)
                .body("{\"name\":\"Task 4\",\"kind\":\"task\",\"ownerId\":\"" + UUID.randomUUID() + "\",\"ownerAgentId\":\""
                        + f.bob + "\"}").post(f.base).then().statusCode(403);
        given().auth().oauth2(alice).contentType(ContentType.JSON)
                .body("{\"name\":\"B's\",\"kind\":\"team\",\"ownerId\":\"" + f.teamB + "\"}").post(f.base).then().statusCode(403);
        given().auth().oauth2(alice).contentType(ContentType.JSON)
                .body("{\"name\":\"Bob 2\",\"kind\":\"agent\",\"ownerId\":\"" + f.bob + "\"}").post(f.base).then().statusCode(403);
        given().auth().oauth2(alice).contentType(ContentType.JSON)
                .body("{\"name\":\"B project 2\",\"kind\":\"project\",\"ownerId\":\"" + f.projectB + "\"}").post(f.base)
                .then().statusCode(403);
        given().auth().oauth2(alice).contentType(ContentType.JSON)
                .body("{\"name\":\"A notes\",\"kind\":\"team\",\"ownerId\":\"" + f.teamA + "\"}").post(f.base).then().statusCode(201);
        given().auth().oauth2(f.owner).contentType(ContentType.JSON)
                .body("{\"name\":\"Odd\",\"kind\":\"team\",\"ownerId\":\"" + f.teamA + "\",\"ownerAgentId\":\"" + f.alice + "\"}")
                .post(f.base).then().statusCode(400).body("errors[0].field", equalTo("ownerAgentId"));
        given().auth().oauth2(f.owner).contentType(ContentType.JSON)
                .body("{\"name\":\"Ghost task\",\"kind\":\"task\",\"ownerId\":\"" + UUID.randomUUID() + "\",\"ownerAgentId\":\""
                        + UUID.randomUUID() + "\"}").post(f.base).then().statusCode(400)
                .body("errors[0].field", equalTo("ownerAgentId"));
    }
}
