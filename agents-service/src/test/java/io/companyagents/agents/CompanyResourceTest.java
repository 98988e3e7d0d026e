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

    @Test
    void aPatchChangesOnlyWhatItSendsAndPublishesCompanyUpdated() throws Exception {
        String id = create("Patchable Co");
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body("{\"name\":\"Patched Co\",\"description\":null,\"status\":\"paused\"}")
                .patch("/api/v1/companies/" + id)
                .then().statusCode(200).header("ETag", "\"1\"")
                .body("name", equalTo("Patched Co")).body("description", equalTo(null))
                .body("status", equalTo("paused")).body("slug", equalTo("patchable-co"))
                .body("defaultReviewPolicy", equalTo("pm")).body("version", equalTo(1));
        // an empty patch changes nothing, not even the version
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).header("If-Match", "\"1\"").body("{}")
                .patch("/api/v1/companies/" + id).then().statusCode(200).header("ETag", "\"1\"");
        assertEquals(1, Org.events("company.updated", UUID.fromString(id)));
        List<ConsumerRecord<String, String>> records = TestKafka.instance().awaitRecords(Topics.AGENTS,
                r -> r.value().contains("io.companyagents.company.updated") && r.value().contains(id), 1, Duration.ofSeconds(30));
        JsonNode data = JSON.readTree(records.get(0).value()).get("data");
        assertEquals("paused", data.get("status").asText());
        assertEquals(1, data.get("version").asLong());
    }

    @Test
    void aPatchOnAStaleVersionIs412AndOneWithoutIfMatchIs428() {
        String id = create("Versioned Co");
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body("{\"description\":\"first\"}").patch("/api/v1/companies/" + id).then().statusCode(200);
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body("{\"description\":\"lost update\"}").patch("/api/v1/companies/" + id)
                .then().statusCode(412).contentType("application/problem+json").body("code", equalTo("precondition_failed"));
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON)
                .body("{\"description\":\"blind\"}").patch("/api/v1/companies/" + id)
                .then().statusCode(428).body("code", equalTo("precondition_required"));
        given().auth().oauth2(TestTokens.admin()).get("/api/v1/companies/" + id)
                .then().body("description", equalTo("first")).header("ETag", "\"1\"");
    }

    @Test
    void readOnlyOrInvalidFieldsInAPatchAre400() {
        String id = create("Strict Co");
        for (String body : List.of("{\"slug\":\"other\"}", "{\"id\":\"" + UUID.randomUUID() + "\"}",
                "{\"version\":7}", "{\"createdAt\":\"2020-01-01T00:00:00Z\"}")) {
            given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).header("If-Match", "\"0\"").body(body)
                    .patch("/api/v1/companies/" + id).then().statusCode(400).body("code", equalTo("validation_failed"));
        }
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body("{\"name\":null,\"status\":\"gone\"}").patch("/api/v1/companies/" + id)
                .then().statusCode(400).body("errors.field", hasItem("status"));
        given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body("{\"name\":\" \",\"defaultReviewPolicy\":\"always\"}").patch("/api/v1/companies/" + id)
                .then().statusCode(400).body("errors.field", contains("defaultReviewPolicy", "name"));
        given().auth().oauth2(TestTokens.admin()).get("/api/v1/companies/" + id).then().header("ETag", "\"0\"");
    }

    @Test
    void viewersAndAgentsCannotChangeACompanyAndOtherCompaniesCannotSeeIt() {
        UUID id = UUID.fromString(create("Guarded Co"));
        UUID other = UUID.fromString(create("Other Co"));
        String patch = "{\"description\":\"x\"}";
        given().auth().oauth2(TestTokens.board(id, "viewer")).contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body(patch).patch("/api/v1/companies/" + id).then().statusCode(403).body("code", equalTo("forbidden"));
        given().auth().oauth2(TestTokens.agent(id, UUID.randomUUID())).contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body(patch).patch("/api/v1/companies/" + id).then().statusCode(403);
        given().auth().oauth2(TestTokens.board(other, "owner")).contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body(patch).patch("/api/v1/companies/" + id).then().statusCode(404);
        given().auth().oauth2(TestTokens.board(id, "operator")).contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body(patch).patch("/api/v1/companies/" + id).then().statusCode(200);
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
