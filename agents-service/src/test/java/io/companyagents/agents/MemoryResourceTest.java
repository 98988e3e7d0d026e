package io.companyagents.agents;

import io.companyagents.platform.testing.RuntimeTestResource;
import io.companyagents.platform.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class MemoryResourceTest {

    private static String scope(UUID company, String token, String body) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(body)
                .post("/api/v1/companies/" + company + "/memory-scopes").then().statusCode(201).extract().path("id");
    }

    private static String entry(UUID company, String scope, String token, String body) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(body)
                .post("/api/v1/companies/" + company + "/memory-scopes/" + scope + "/entries")
                .then().statusCode(201).extract().path("id");
    }

    @Test
    void fullTextSearchFindsEntriesBestMatchFirst() {
        UUID company = Org.company("Memory Co");
        UUID agent = Org.agent(company, "Rememberer", "engineer", "");
        String agentKey = TestTokens.agent(company, agent);
        String scope = scope(company, agentKey, "{\"name\":\"Runbooks\",\"kind\":\"agent\",\"ownerId\":\"" + agent + "\"}");
        String base = "/api/v1/companies/" + company + "/memory-scopes/" + scope + "/entries";
        String both = entry(company, scope, agentKey,
                "{\"content\":\"Deploying the database: run the database migrations before deploying\",\"tags\":[\"ops\"]}");
        String once = entry(company, scope, agentKey,
                "{\"content\":\"The database password rotates monthly\",\"tags\":[\"security\"],\"metadata\":{\"source\":\"wiki\"}}");
        entry(company, scope, agentKey, "{\"content\":\"Lunch is at noon\"}");

        given().auth().oauth2(Org.owner(company)).queryParam("q", "database deploying").get(base)
                .then().statusCode(200).body("items.id", contains(both)).body("nextCursor", equalTo(null));
        given().auth().oauth2(Org.owner(company)).queryParam("q", "database").get(base)
                .then().statusCode(200).body("items.id", contains(both, once));
        String cursor = given().auth().oauth2(agentKey).queryParam("q", "database").queryParam("limit", 1).get(base)
                .then().body("items.id", contains(both)).body("nextCursor", notNullValue()).extract().path("nextCursor");
        given().auth().oauth2(agentKey).queryParam("q", "database").queryParam("limit", 1).queryParam("cursor", cursor).get(base)
                .then().body("items.id", contains(once)).body("nextCursor", equalTo(null));
        given().auth().oauth2(agentKey).queryParam("q", "database").queryParam("tag", "security").get(base)
                .then().body("items.id", contains(once)).body("items[0].metadata.source", equalTo("wiki"))
                .body("items[0].createdBy", equalTo(agent.toString())).body("items[0].createdByType", equalTo("agent"));
        given().auth().oauth2(agentKey).queryParam("q", "kubernetes").get(base).then().body("items", empty());
        given().auth().oauth2(agentKey).get(base).then().body("items", hasSize(3));
    }

    @Test
    void withoutPgvectorSemanticSearchIs501AndEverythingElseWorks() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Org.scalar("select count(*) from pg_available_extensions where name = 'vector'") == 0,
                "this database has pgvector");
        UUID company = Org.company("Vectorless Co");
        String owner = Org.owner(company);
        String scope = scope(company, owner, "{\"name\":\"Company memory\",\"kind\":\"company\"}");
        String id = entry(company, scope, owner, "{\"content\":\"Embeddings are stored anyway\",\"embedding\":[0.5,-1.25,2]}");
        given().auth().oauth2(owner).get("/api/v1/companies/" + company + "/memory-scopes/" + scope + "/entries")
                .then().statusCode(200).body("items[0].id", equalTo(id))
                .body("items[0].embedding", contains(0.5f, -1.25f, 2.0f));
        given().auth().oauth2(owner).contentType(ContentType.JSON).body("{\"embedding\":[0.5,-1.25,2],\"k\":3}")
                .post("/api/v1/companies/" + company + "/memory-scopes/" + scope + "/entries/search")
                .then().statusCode(501).contentType("application/problem+json").body("code", equalTo("vector_unavailable"));
        assertEquals(1, Org.scalar("select count(*) from agents.memory_entries where id = ?::uuid", id));
    }

    @Test
    void scopesBelongToSomethingOfTheCompanyAndOnlyItsMembersUseThem() {
        UUID company = Org.company("Scoped Memory");
        UUID other = Org.company("Foreign Memory");
        UUID foreignTeam = Org.team(other, "Theirs");
        String owner = Org.owner(company);
        String base = "/api/v1/companies/" + company + "/memory-scopes";
        given().auth().oauth2(owner).contentType(ContentType.JSON)
                .body("{\"name\":\"Stolen\",\"kind\":\"team\",\"ownerId\":\"" + foreignTeam + "\"}")
                .post(base).then().statusCode(400).body("errors[0].field", equalTo("ownerId"));
        given().auth().oauth2(owner).contentType(ContentType.JSON).body("{\"name\":\"Nobody's\",\"kind\":\"agent\"}")
                .post(base).then().statusCode(400).body("errors[0].field", equalTo("ownerId"));
        given().auth().oauth2(owner).contentType(ContentType.JSON).body("{\"name\":\"Galaxy\",\"kind\":\"galaxy\"}")
                .post(base).then().statusCode(400).body("errors[0].field", equalTo("kind"));
        String scope = scope(company, owner, "{\"name\":\"Shared\",\"kind\":\"company\"}");
        given().auth().oauth2(owner).contentType(ContentType.JSON).body("{\"name\":\"shared\",\"kind\":\"company\"}")
                .post(base).then().statusCode(409).body("code", equalTo("memory_scope_name_taken"));
        given().auth().oauth2(TestTokens.board(company, "viewer")).contentType(ContentType.JSON).body("{\"content\":\"x\"}")
                .post(base + "/" + scope + "/entries").then().statusCode(403);
        given().auth().oauth2(TestTokens.board(company, "viewer")).get(base + "/" + scope + "/entries").then().statusCode(200);
        given().auth().oauth2(Org.owner(other)).get(base + "/" + scope + "/entries").then().statusCode(404);
        given().auth().oauth2(Org.owner(other)).get("/api/v1/companies/" + other + "/memory-scopes/" + scope + "/entries")
                .then().statusCode(404);
        given().auth().oauth2(owner).queryParam("kind", "company").get(base).then().body("items.id", contains(scope));
    }
}
