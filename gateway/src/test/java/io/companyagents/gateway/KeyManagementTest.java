package io.companyagents.gateway;

import io.companyagents.platform.testing.RuntimeTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasKey;

@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class KeyManagementTest {

    private static String boardKey(UUID company, String role) {
        return given().auth().oauth2(GatewayTest.ADMIN).contentType(ContentType.JSON)
                .body(Map.of("kind", "board", "companyId", company.toString(), "role", role, "name", role))
                .post("/api/v1/keys").then().statusCode(201)
                .body("key", matchesPattern("ca_board_[0-9a-f]{48}")).body("role", equalTo(role))
                .extract().path("key");
    }

    @Test
    void anAdminIssuesBoardKeysThatActForTheirCompanyOnly() {
        UUID company = UUID.randomUUID();
        String owner = boardKey(company, "owner");
        given().auth().oauth2(owner).get("/api/v1/me").then().statusCode(200)
                .body("actorType", equalTo("board")).body("companyId", equalTo(company.toString())).body("role", equalTo("owner"));
        given().auth().oauth2(owner).get("/api/v1/companies/" + company + "/keys").then().statusCode(200)
                .body("items", hasSize(1)).body("items[0]", not(hasKey("key"))).body("items[0]", not(hasKey("keyHash")));
        given().auth().oauth2(owner).get("/api/v1/companies/" + UUID.randomUUID() + "/keys").then().statusCode(404);
        given().auth().oauth2(owner).contentType(ContentType.JSON)
                .body(Map.of("kind", "board", "companyId", company.toString(), "role", "owner")).post("/api/v1/keys")
                .then().statusCode(403);
        given().auth().oauth2(GatewayTest.ADMIN).contentType(ContentType.JSON)
                .body(Map.of("kind", "board", "companyId", company.toString(), "role", "god")).post("/api/v1/keys")
                .then().statusCode(400).body("errors[0].field", equalTo("role"));
    }

    @Test
    void anOperatorIssuesAgentKeysAndAViewerCannot() {
        UUID company = UUID.randomUUID();
        UUID agent = UUID.randomUUID();
        String operator = boardKey(company, "operator");
        String viewer = boardKey(company, "viewer");
        String agentKey = given().auth().oauth2(operator).contentType(ContentType.JSON).body("{\"name\":\"worker\"}")
                .post("/api/v1/companies/" + company + "/agents/" + agent + "/keys")
                .then().statusCode(201).body("agentId", equalTo(agent.toString())).extract().path("key");
        given().auth().oauth2(agentKey).get("/api/v1/me").then().statusCode(200)
                .body("actorType", equalTo("agent")).body("actorId", equalTo(agent.toString()));
        given().auth().oauth2(viewer).contentType(ContentType.JSON).body("{}")
                .post("/api/v1/companies/" + company + "/agents/" + agent + "/keys").then().statusCode(403);
        given().auth().oauth2(agentKey).contentType(ContentType.JSON).body("{}")
                .post("/api/v1/companies/" + company + "/agents/" + agent + "/keys").then().statusCode(403);
    }

    @Test
    void anExpiredKeyIs401() throws Exception {
        UUID company = UUID.randomUUID();
        String soon = java.time.OffsetDateTime.now().plusSeconds(2).toString();
        String key = given().auth().oauth2(GatewayTest.ADMIN).contentType(ContentType.JSON)
                .body(Map.of("kind", "board", "companyId", company.toString(), "role", "owner", "expiresAt", soon))
                .post("/api/v1/keys").then().statusCode(201).body("expiresAt", org.hamcrest.Matchers.notNullValue())
                .extract().path("key");
        given().auth().oauth2(key).get("/api/v1/me").then().statusCode(200);
        await().atMost(Duration.ofSeconds(6)).untilAsserted(() -> given().auth().oauth2(key).get("/api/v1/me").then().statusCode(401));
        given().auth().oauth2(GatewayTest.ADMIN).contentType(ContentType.JSON)
                .body(Map.of("kind", "board", "companyId", company.toString(), "role", "owner", "expiresAt", "2020-01-01T00:00:00Z"))
                .post("/api/v1/keys").then().statusCode(400).body("errors[0].field", equalTo("expiresAt"));
    }

    @Test
    void aRevokedKeyStopsWorkingWithinASecond() {
        UUID company = UUID.randomUUID();
        String owner = boardKey(company, "owner");
        String victim = boardKey(company, "operator");
        given().auth().oauth2(victim).get("/api/v1/me").then().statusCode(200);
        String id = given().auth().oauth2(owner).get("/api/v1/companies/" + company + "/keys")
                .then().extract().path("items.find { it.role == 'operator' }.id");
        given().auth().oauth2(owner).delete("/api/v1/keys/" + id).then().statusCode(204);
        await().atMost(Duration.ofSeconds(1)).untilAsserted(() ->
                given().auth().oauth2(victim).get("/api/v1/me").then().statusCode(401));
        given().auth().oauth2(boardKey(UUID.randomUUID(), "owner")).delete("/api/v1/keys/" + id).then().statusCode(404);
    }
}
