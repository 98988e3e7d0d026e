package io.companyagents.agents;

import io.companyagents.platform.testing.RuntimeTestResource;
import io.companyagents.platform.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Idempotency-Key on every creating POST: one object per key, the first answer replayed. */
@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class IdempotencyKeyTest {

    private static ExtractableResponse<Response> post(String token, String key, String path, String body) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .post(path).then().extract();
    }

    @Test
    void theSameKeyTwentyTimesCreatesOneTeamAndAnswersTheSameEveryTime() throws Exception {
        UUID company = Org.company("Retry Co");
        String owner = Org.owner(company);
        String path = "/api/v1/companies/" + company + "/teams";
        List<ExtractableResponse<Response>> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            answers.add(post(owner, "team-once", path, "{\"name\":\"Once\",\"description\":\"made once\"}"));
        }
        ExtractableResponse<Response> first = answers.get(0);
        assertEquals(201, first.statusCode());
        assertNull(first.header("Idempotent-Replayed"));
        String id = first.path("id");
        for (ExtractableResponse<Response> again : answers.subList(1, answers.size())) {
            assertEquals(201, again.statusCode());
            assertEquals(first.asString(), again.asString(), "the same body, byte for byte");
            assertEquals(first.header("Location"), again.header("Location"));
            assertEquals("\"0\"", again.header("ETag"));
            assertEquals("true", again.header("Idempotent-Replayed"));
        }
        assertTrue(first.header("Location").endsWith(path + "/" + id));
        assertEquals(1, Org.scalar("select count(*) from agents.teams where company_id = ?", company));
        assertEquals(1, Org.events("team.created", UUID.fromString(id)));
    }

    @Test
    void twentyRequestsAtOnceWithOneKeyCreateOneAgent() throws Exception {
        UUID company = Org.company("Stampede Co");
        String owner = Org.owner(company);
        String path = "/api/v1/companies/" + company + "/agents";
        String body = "{\"name\":\"Only One\",\"role\":\"engineer\"}";
        List<ExtractableResponse<Response>> answers = Org.concurrently(20, i -> post(owner, "hire-once", path, body));

        Set<String> ids = answers.stream().filter(a -> a.statusCode() == 201).map(a -> (String) a.path("id"))
                .collect(Collectors.toSet());
        assertEquals(1, ids.size(), "every success names the same agent");
        for (ExtractableResponse<Response> a : answers) {
            assertTrue(a.statusCode() == 201 || (a.statusCode() == 409 && "idempotency_in_progress".equals(a.path("code"))),
                    "201 or 409 while the first runs, not " + a.statusCode() + " " + a.asString());
        }
        assertEquals(1, Org.scalar("select count(*) from agents.agents where company_id = ?", company));
        // once the first has finished, a retry gets its answer
        ExtractableResponse<Response> late = post(owner, "hire-once", path, body);
        assertEquals(201, late.statusCode());
        assertEquals(ids.iterator().next(), late.path("id"));
    }

    @Test
    void theSameKeyWithAnotherBodyOrOnAnotherEndpointIs422AndCreatesNothing() throws Exception {
        UUID company = Org.company("Reuse Co");
        String owner = Org.owner(company);
        String teams = "/api/v1/companies/" + company + "/teams";
        assertEquals(201, post(owner, "k-1", teams, "{\"name\":\"Alpha\"}").statusCode());
        ExtractableResponse<Response> reused = post(owner, "k-1", teams, "{\"name\":\"Beta\"}");
        assertEquals(422, reused.statusCode());
        assertEquals("idempotency_key_reused", reused.path("code"));
        assertEquals("application/problem+json", reused.contentType());
        assertEquals(422, post(owner, "k-1", "/api/v1/companies/" + company + "/projects", "{\"name\":\"Alpha\"}").statusCode());
        assertEquals(1, Org.scalar("select count(*) from agents.teams where company_id = ?", company));
        assertEquals(0, Org.scalar("select count(*) from agents.projects where company_id = ?", company));
        // members in another order are the same request
        assertEquals(201, post(owner, "k-2", teams, "{\"name\":\"Gamma\",\"description\":\"g\"}").statusCode());
        assertEquals("true", post(owner, "k-2", teams, "{\"description\":\"g\",\"name\":\"Gamma\"}").header("Idempotent-Replayed"));
    }

    @Test
    void aCreationThatFailsLeavesItsKeyFree() {
        UUID company = Org.company("Second Chance Co");
        String owner = Org.owner(company);
        String path = "/api/v1/companies/" + company + "/agents";
        ExtractableResponse<Response> refused = post(owner, "retry-me", path,
                "{\"name\":\"Orphan\",\"role\":\"engineer\",\"reportsTo\":\"" + UUID.randomUUID() + "\"}");
        assertEquals(400, refused.statusCode());
        ExtractableResponse<Response> created = post(owner, "retry-me", path, "{\"name\":\"Orphan\",\"role\":\"engineer\"}");
        assertEquals(201, created.statusCode());
        assertNull(created.header("Idempotent-Replayed"));
    }

    @Test
    void keysBelongToOneCompanyAndAreAtMost200Characters() {
        UUID one = Org.company("Key Space One");
        UUID two = Org.company("Key Space Two");
        String a = post(Org.owner(one), "shared", "/api/v1/companies/" + one + "/teams", "{\"name\":\"Ops\"}").path("id");
        String b = post(Org.owner(two), "shared", "/api/v1/companies/" + two + "/teams", "{\"name\":\"Ops\"}").path("id");
        assertTrue(a != null && b != null && !a.equals(b));
        ExtractableResponse<Response> tooLong = post(Org.owner(one), "k".repeat(201), "/api/v1/companies/" + one + "/teams",
                "{\"name\":\"Long\"}");
        assertEquals(400, tooLong.statusCode());
        assertEquals("Idempotency-Key", tooLong.path("errors[0].field"));
    }

    /** One creating POST: who may make it, where, a body, and a different body. */
    private record Creation(String name, String token, String path, String body, String otherBody) {
    }

    @Test
    void everyCreatingPostOfTheServiceHonoursTheKey() {
        UUID company = Org.company("Every Endpoint Co");
        String owner = Org.owner(company);
        String base = "/api/v1/companies/" + company;
        UUID team = Org.team(company, "Crew");
        UUID project = Org.project(company, "crew-repo", null);
        UUID agent = Org.agent(company, "Worker", "engineer", "\"teamId\":\"" + team + "\"");
        String agentKey = TestTokens.agent(company, agent);
        String scope = given().auth().oauth2(owner).contentType(ContentType.JSON)
                .body("{\"name\":\"Notes\",\"kind\":\"company\"}").post(base + "/memory-scopes")
                .then().statusCode(201).extract().path("id");
        String suffix = UUID.randomUUID().toString().substring(0, 8);

        List<Creation> creations = List.of(
                new Creation("company", TestTokens.admin(), "/api/v1/companies",
                        "{\"name\":\"Idem " + suffix + "\"}", "{\"name\":\"Idem other " + suffix + "\"}"),
                new Creation("team", owner, base + "/teams", "{\"name\":\"T1\"}", "{\"name\":\"T2\"}"),
                new Creation("agent", owner, base + "/agents", "{\"name\":\"A1\",\"role\":\"qa\"}",
                        "{\"name\":\"A2\",\"role\":\"qa\"}"),
                new Creation("project", owner, base + "/projects", "{\"name\":\"p1\"}", "{\"name\":\"p2\"}"),
                new Creation("memory scope", agentKey, base + "/memory-scopes", "{\"name\":\"M1\",\"kind\":\"company\"}",
                        "{\"name\":\"M2\",\"kind\":\"company\"}"),
                new Creation("memory entry", agentKey, base + "/memory-scopes/" + scope + "/entries",
                        "{\"content\":\"one\"}", "{\"content\":\"two\"}"),
                new Creation("journal entry", agentKey, base + "/agents/" + agent + "/journal",
                        "{\"kind\":\"note\",\"body\":\"one\"}", "{\"kind\":\"note\",\"body\":\"two\"}"),
                new Creation("notification", owner, base + "/notifications",
                        "{\"kind\":\"info\",\"recipients\":[\"" + agent + "\"],\"title\":\"one\"}",
                        "{\"kind\":\"info\",\"recipients\":[\"" + agent + "\"],\"title\":\"two\"}"),
                new Creation("approval", agentKey, base + "/approvals", "{\"kind\":\"generic\",\"payload\":{\"n\":1}}",
                        "{\"kind\":\"generic\",\"payload\":{\"n\":2}}"),
                new Creation("integration", owner, base + "/integrations", "{\"kind\":\"github\"}", "{\"kind\":\"jira\"}"),
                new Creation("product", owner, base + "/products",
                        "{\"name\":\"P1\",\"projects\":{\"" + team + "\":\"" + project + "\"}}", "{\"name\":\"P2\"}"));

        for (Creation c : creations) {
            String key = "every-" + c.name();
            ExtractableResponse<Response> first = post(c.token(), key, c.path(), c.body());
            assertEquals(201, first.statusCode(), c.name() + ": " + first.asString());
            ExtractableResponse<Response> again = post(c.token(), key, c.path(), c.body());
            assertEquals(201, again.statusCode(), c.name());
            assertEquals(first.asString(), again.asString(), c.name() + " answers the same body");
            assertEquals("true", again.header("Idempotent-Replayed"), c.name());
            assertEquals(first.header("Location"), again.header("Location"), c.name());
            ExtractableResponse<Response> other = post(c.token(), key, c.path(), c.otherBody());
            assertEquals(422, other.statusCode(), c.name());
            assertEquals("idempotency_key_reused", other.path("code"), c.name());
        }
        given().auth().oauth2(owner).get(base + "/memory-scopes/" + scope + "/entries").then().body("items.size()", equalTo(1));
        given().auth().oauth2(owner).get(base + "/agents/" + agent + "/journal").then().body("items.size()", equalTo(1));
        given().auth().oauth2(owner).get(base + "/notifications").then().body("items.size()", equalTo(1));
        given().auth().oauth2(owner).get(base + "/approvals").then().body("items.size()", equalTo(1));
        given().auth().oauth2(owner).get(base + "/integrations").then().body("items.size()", equalTo(1));
        given().auth().oauth2(owner).get(base + "/products").then().body("items.size()", equalTo(1));
    }
}
