package io.companyagents.platform.testing;

import io.companyagents.platform.identity.InternalToken;
import io.companyagents.platform.identity.VerifiedTokenCache;
import io.quarkus.arc.Arc;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.build.Jwt;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.ResultSet;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every service promises the platform, whatever its domain: it migrates its own schema
 * at start (outbox and inbox included), reports live/ready/started, serves its OpenAPI, and
 * refuses an API call without the gateway's token. A service's test extends this with
 * {@code @QuarkusTest}.
 */
public abstract class ServiceContractTest {

    @Test
    void itMigratesItsOwnSchemaAtStart() throws Exception {
        String schema = ConfigProvider.getConfig().getValue("company-agents.schema", String.class);
        try (Connection c = TestPostgres.instance().connect();
             ResultSet rs = c.createStatement().executeQuery("select count(*) filter (where success), "
                     + "to_regclass('" + schema + ".outbox') is not null, to_regclass('" + schema + ".inbox') is not null "
                     + "from " + schema + ".flyway_schema_history")) {
            rs.next();
            assertTrue(rs.getLong(1) >= 1, "migrations recorded in " + schema + ".flyway_schema_history");
            assertTrue(rs.getBoolean(2) && rs.getBoolean(3), "outbox and inbox exist in " + schema);
        }
    }

    @Test
    void itReportsHealth() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/started").then().statusCode(200);
    }

    @Test
    void itServesItsOpenApi() {
        given().get("/q/openapi?format=json").then().statusCode(200).body("$", hasKey("paths"));
    }

    @Test
    void anApiCallWithoutTheGatewaysTokenIsRefused() {
        given().get("/api/v1/companies/00000000-0000-0000-0000-000000000001/anything").then().statusCode(401);
    }

    @Test
    void tokensAreVerifiedOnceThenCachedButAForgedOneIsStillRefused() throws Exception {
        assertTrue(Arc.container().instance(JWTParser.class).get() instanceof VerifiedTokenCache,
                "the service verifies tokens through the cache");
        String path = "/api/v1/companies/00000000-0000-0000-0000-000000000001/anything";
        String valid = TestTokens.admin();
        for (int i = 0; i < 2; i++) {
            given().header("Authorization", "Bearer " + valid).get(path).then().statusCode(not(equalTo(401)));
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String forged = Jwt.issuer(InternalToken.ISSUER).subject("intruder").claim(InternalToken.ACTOR_TYPE, "admin")
                .expiresIn(300).sign(generator.generateKeyPair().getPrivate());
        given().header("Authorization", "Bearer " + forged).get(path).then().statusCode(401);
    }
}
