package io.companyagents.gateway;

import io.companyagents.platform.testing.RuntimeTestResource;
import io.companyagents.platform.testing.TcpProxy;
import io.companyagents.platform.testing.TestPostgres;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** Readiness follows Postgres: down while it is unreachable, back by itself when it returns. */
@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class DatabaseOutageTest {

    @Test
    void readinessGoesDownWithoutPostgresAndComesBackByItself() {
        TcpProxy database = TestPostgres.instance().proxy();
        given().get("/q/health/ready").then().statusCode(200);
        given().auth().oauth2(GatewayTest.ADMIN).get("/api/v1/me").then().statusCode(200);
        database.cut();
        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    given().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN")));
            given().get("/q/health/live").then().statusCode(200);
        } finally {
            database.restore();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP")));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(GatewayTest.ADMIN).get("/api/v1/me").then().statusCode(200));
    }
}
