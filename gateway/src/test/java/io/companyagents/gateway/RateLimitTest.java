package io.companyagents.gateway;

import io.companyagents.platform.testing.RuntimeTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-key rate limits through the gateway (here 2/s, burst 5): 429 with Retry-After; body size 413. */
@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
@TestProfile(RateLimitTest.Slow.class)
class RateLimitTest {

    public static class Slow implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("company-agents.gateway.rate-limit.per-second", "2",
                    "company-agents.gateway.rate-limit.burst", "5",
                    "company-agents.gateway.max-body-bytes", "1000");
        }
    }

    @Test
    void aKeyOverItsRateGets429WithRetryAfter() {
        int limited = 0;
        for (int i = 0; i < 60 && limited == 0; i++) {
            Response r = given().auth().oauth2(GatewayTest.ADMIN).get("/api/v1/me");
            if (r.statusCode() == 429) {
                limited++;
                r.then().header("Retry-After", "1").contentType("application/problem+json").body("code", equalTo("rate_limited"));
            } else {
                r.then().statusCode(200);
            }
        }
        assertTrue(limited > 0, "a burst above 5 is refused");
    }

    @Test
    void aBodyOverTheLimitIs413() {
        given().auth().oauth2(GatewayTest.ADMIN).contentType("application/json").body("{\"name\":\"" + "x".repeat(2000) + "\"}")
                .post("/api/v1/companies").then().statusCode(413).body("code", equalTo("payload_too_large"));
    }
}
