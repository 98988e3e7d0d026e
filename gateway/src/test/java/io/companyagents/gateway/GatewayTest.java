package io.companyagents.gateway;

import io.companyagents.platform.testing.RuntimeTestResource;
import io.companyagents.platform.testing.TestKeys;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.jwt.auth.principal.JWTParser;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
@QuarkusTestResource(EchoBackend.class)
class GatewayTest {

    static final String ADMIN = "ca_admin_" + "0123456789abcdef".repeat(3);

    @Inject
    JWTParser parser;

    @Test
    void meAnswersWhoTheAdminKeyIs() {
        given().auth().oauth2(ADMIN).get("/api/v1/me")
                .then().statusCode(200)
                .body("actorType", equalTo("admin")).body("role", equalTo("admin"))
                .body("scopes", hasItem("*")).body("actorId", notNullValue());
    }

    @Test
    void missingGarbledOrUnknownKeysAre401Problems() {
        given().get("/api/v1/me").then().statusCode(401).contentType("application/problem+json")
                .body("code", equalTo("unauthorized")).header("WWW-Authenticate", "Bearer");
        given().auth().oauth2("garbage").get("/api/v1/me").then().statusCode(401);
        given().auth().oauth2("ca_admin_" + "f".repeat(48)).get("/api/v1/me").then().statusCode(401);
        given().header("Authorization", "Basic " + ADMIN).get("/api/v1/companies").then().statusCode(401);
    }

    @Test
    void everyResponseCarriesARequestIdAndAClientOneIsEchoed() {
        given().auth().oauth2(ADMIN).get("/api/v1/me").then().header("X-Request-Id", matchesPattern("[0-9a-f-]{36}"));
        given().header("X-Request-Id", "trace-42").get("/api/v1/me").then().statusCode(401).header("X-Request-Id", "trace-42");
        given().auth().oauth2(ADMIN).header("X-Request-Id", "trace-43").get("/api/v1/companies")
                .then().statusCode(200).header("X-Request-Id", "trace-43");
        assertEquals("trace-43", EchoBackend.LAST.get().requestId(), "the service sees the same request id");
    }

    @Test
    void aProxiedRequestCarriesTheInternalTokenNotTheApiKeyAndItsBodyIntact() throws Exception {
        String body = "{\"name\":\"" + "x".repeat(20_000) + "\"}";
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON).body(body).post("/api/v1/companies")
                .then().statusCode(200).body("echo", equalTo(body.length()));
        EchoBackend.Seen seen = EchoBackend.LAST.get();
        assertEquals("POST", seen.method());
        assertEquals("/api/v1/companies", seen.path());
        assertEquals(body, seen.body());
        assertTrue(seen.authorization().startsWith("Bearer "));
        String token = seen.authorization().substring(7);
        assertNotEquals(ADMIN, token);
        JsonWebToken jwt = parser.verify(token, java.security.KeyFactory.getInstance("RSA").generatePublic(
                new java.security.spec.X509EncodedKeySpec(TestKeys.instance().publicKeyDer())));
        assertEquals("company-agents-gateway", jwt.getIssuer());
        assertEquals("admin", jwt.getClaim("actorType").toString().replace("\"", ""));
        assertTrue(jwt.getExpirationTime() - jwt.getIssuedAtTime() <= 60);
    }

    @Test
    void routesGoToTheOwningService() {
        UUID company = UUID.randomUUID();
        given().auth().oauth2(ADMIN).get("/api/v1/companies/" + company + "/audit-events?limit=5").then().statusCode(200);
        assertEquals("/api/v1/companies/" + company + "/audit-events?limit=5", EchoBackend.LAST.get().path());
    }

    @Test
    void aServiceThatIsDownIsA503ProblemNotAHang() {
        given().auth().oauth2(ADMIN).get("/api/v1/companies/" + UUID.randomUUID() + "/tasks")
                .then().statusCode(503).contentType("application/problem+json")
                .body("code", equalTo("service_unavailable"));
    }

    @Test
    void anUnknownApiPathIsA404Problem() {
        given().auth().oauth2(ADMIN).get("/api/v1/nothing-here").then().statusCode(404).body("code", equalTo("not_found"));
    }

    @Test
    void theMergedOpenApiDocumentsTheGatewayAndNamesServicesThatDidNotAnswer() {
        given().get("/q/openapi").then().statusCode(200)
                .body("paths", hasKey("/api/v1/me"))
                .body("x-unavailable-services", hasItem("tasks"));
        given().get("/q/swagger-ui/").then().statusCode(200);
    }
}
