package io.companyagents.platform.testing;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
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
}
