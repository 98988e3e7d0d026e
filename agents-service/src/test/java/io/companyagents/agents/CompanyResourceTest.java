package io.companyagents.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.companyagents.platform.events.Topics;
import io.companyagents.platform.testing.RuntimeTestResource;
import io.companyagents.platform.testing.TestKafka;
import io.companyagents.platform.testing.TestPostgres;
import io.companyagents.platform.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class CompanyResourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private String create(String name) {
        return given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON)
                .body("{\"name\":\"" + name + "\",\"description\":\"d\"}")
                .when().post("/api/v1/companies")
                .then().statusCode(201)
                .header("ETag", "\"0\"")
                .body("name", equalTo(name))
                .body("status", equalTo("active"))
                .body("defaultReviewPolicy", equalTo("pm"))
                .body("createdAt", notNullValue())
                .extract().path("id");
    }

    @Test
    void creatingACompanyPublishesCompanyCreatedOnTheAgentsTopic() throws Exception {
        String id = create("Acme Robotics");
        List<ConsumerRecord<String, String>> records = TestKafka.instance().awaitRecords(Topics.AGENTS,
                r -> r.value().contains(id), 1, Duration.ofSeconds(30));
        ConsumerRecord<String, String> record = records.get(0);
        assertEquals(id, record.key(), "records are keyed by company id");
        JsonNode event = JSON.readTree(record.value());
        assertEquals("1.0", event.get("specversion").asText());
        assertEquals("io.companyagents.company.created", event.get("type").asText());
        assertEquals(id, event.get("companyid").asText());
        assertEquals("admin", event.get("actortype").asText());
        assertEquals("company", event.get("subjecttype").asText());
        assertEquals("Acme Robotics", event.get("data").get("name").asText());
        assertEquals("acme-robotics", event.get("data").get("slug").asText());
        // the outbox row is marked sent once the broker acknowledged it
        await().atMost(Duration.ofSeconds(10)).until(() -> unsentOutboxRows() == 0);
    }

    @Test
    void aCompanyCanBeReadBackAndListed() {
        String id = create("Readback Inc");
        given().auth().oauth2(TestTokens.admin()).get("/api/v1/companies/" + id)
                .then().statusCode(200).header("ETag", "\"0\"").body("slug", equalTo("readback-inc"));
        given().auth().oauth2(TestTokens.admin()).queryParam("limit", 200).get("/api/v1/companies")
                .then().statusCode(200).body("items.id", hasItem(id));
    }

    @Test
    void aBoardKeySeesOnlyItsOwnCompany() {
        String mine = create("Mine Ltd");
        String theirs = create("Theirs Ltd");
        String board = TestTokens.board(UUID.fromString(mine), "owner");
        given().auth().oauth2(board).get("/api/v1/companies/" + mine).then().statusCode(200);
        given().auth().oauth2(board).get("/api/v1/companies/" + theirs)
                .then().statusCode(404).contentType("application/problem+json").body("code", equalTo("not_found"));
        given().auth().oauth2(board).get("/api/v1/companies")
                .then().statusCode(200).body("items.id", contains(mine)).body("nextCursor", equalTo(null));
        given().auth().oauth2(board).contentType(ContentType.JSON).body("{\"name\":\"Nope\"}")
                .post("/api/v1/companies").then().statusCode(403).body("code", equalTo("forbidden"));
    }

    @Test
    void badInputIsA400ProblemAndStoresNothing() throws Exception {
        long before = companyRows();
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).body("{\"name\": ")
                .post("/api/v1/companies")
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("malformed_json")).body("status", equalTo(400));
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).body("{\"name\":\"X Co\",\"bogus\":1}")
                .post("/api/v1/companies")
                .then().statusCode(400).body("code", equalTo("validation_failed")).body("errors[0].field", equalTo("bogus"));
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).body("{\"id\":\"" + UUID.randomUUID() + "\",\"name\":\"X Co\"}")
                .post("/api/v1/companies")
                .then().statusCode(400).body("errors[0].field", equalTo("id"));
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).body("{\"description\":\"no name\"}")
                .post("/api/v1/companies")
                .then().statusCode(400).body("code", equalTo("validation_failed")).body("errors.field", hasItem("name"))
                .body("detail", not(org.hamcrest.Matchers.containsString("Exception")));
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).body("{\"name\":\"X\",\"slug\":\"Bad Slug\"}")
                .post("/api/v1/companies")
                .then().statusCode(400).body("errors.field", hasItem("slug"));
        given().auth().oauth2(TestTokens.admin()).queryParam("limit", 0).get("/api/v1/companies")
                .then().statusCode(400).body("errors[0].field", equalTo("limit"));
        assertEquals(before, companyRows());
    }

    @Test
    void noTokenIs401AndAForgedTokenToo() {
        given().contentType(ContentType.JSON).body("{\"name\":\"Anon\"}").post("/api/v1/companies").then().statusCode(401);
        given().auth().oauth2("not.a.jwt").get("/api/v1/companies").then().statusCode(401);
    }

    @Test
    void aTakenSlugIsAConflict() {
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).body("{\"name\":\"Slug One\",\"slug\":\"same-slug\"}")
                .post("/api/v1/companies").then().statusCode(201);
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).body("{\"name\":\"Slug Two\",\"slug\":\"same-slug\"}")
                .post("/api/v1/companies").then().statusCode(409).body("code", equalTo("slug_taken"));
    }

    @Test
    void healthAndOpenApiAreServed() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/openapi?format=json").then().statusCode(200).body("paths", org.hamcrest.Matchers.hasKey("/api/v1/companies"));
    }

    private static long companyRows() throws Exception {
        return scalar("select count(*) from agents.companies");
    }

    private static long unsentOutboxRows() throws Exception {
        return scalar("select count(*) from agents.outbox where sent_at is null");
    }

    private static long scalar(String sql) throws Exception {
        try (Connection c = TestPostgres.instance().connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
