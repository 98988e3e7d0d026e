package io.companyagents.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.companyagents.platform.events.Topics;
import io.companyagents.platform.testing.RuntimeTestResource;
import io.companyagents.platform.testing.TestKafka;
import io.companyagents.platform.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class IntegrationResourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String base(UUID company) {
        return "/api/v1/companies/" + company + "/integrations";
    }

    private static String create(UUID company, String body) {
        return given().auth().oauth2(Org.owner(company)).contentType(ContentType.JSON).body(body)
                .post(base(company)).then().statusCode(201).header("ETag", "\"0\"").extract().path("id");
    }

    @Test
    void anIntegrationKeepsItsSettingsCursorAndCredentialReferenceAndPublishesWhatChanged() throws Exception {
        UUID company = Org.company("Integrated Co");
        String owner = Org.owner(company);
        UUID secret = UUID.randomUUID();
        String id = given().auth().oauth2(owner).contentType(ContentType.JSON)
                .body("{\"kind\":\"github\",\"config\":{\"repo\":\"acme/web\",\"labels\":[\"bug\"]},"
                        + "\"state\":{\"since\":\"2025-01-01T00:00:00Z\"},\"credentialSecretId\":\"" + secret + "\"}")
                .post(base(company)).then().statusCode(201).header("ETag", "\"0\"")
                .header("Location", containsString("/api/v1/companies/" + company + "/integrations/"))
                .body("kind", equalTo("github")).body("status", equalTo("active"))
                .body("config.repo", equalTo("acme/web")).body("config.labels", contains("bug"))
                .body("state.since", equalTo("2025-01-01T00:00:00Z"))
                .body("credentialSecretId", equalTo(secret.toString())).body("version", equalTo(0))
                .extract().path("id");

        given().auth().oauth2(TestTokens.board(company, "viewer")).get(base(company) + "/" + id)
                .then().statusCode(200).header("ETag", "\"0\"").body("config.repo", equalTo("acme/web"));
        given().auth().oauth2(owner).contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body("{\"status\":\"paused\",\"config\":{\"repo\":\"acme/api\"}}").patch(base(company) + "/" + id)
                .then().statusCode(200).header("ETag", "\"1\"").body("status", equalTo("paused"))
                .body("config.repo", equalTo("acme/api")).body("config.labels", equalTo(null))
                .body("state.since", equalTo("2025-01-01T00:00:00Z")).body("version", equalTo(1));
        // a patch that changes nothing moves no version and publishes nothing
        given().auth().oauth2(owner).contentType(ContentType.JSON).header("If-Match", "\"1\"")
                .body("{\"status\":\"paused\"}").patch(base(company) + "/" + id)
                .then().statusCode(200).body("version", equalTo(1));

        given().auth().oauth2(owner).queryParam("kind", "github").get(base(company))
                .then().statusCode(200).body("items.id", contains(id));
        given().auth().oauth2(owner).queryParam("status", "active").get(base(company))
                .then().statusCode(200).body("items", empty());
        given().auth().oauth2(owner).queryParam("status", "sleeping").get(base(company))
                .then().statusCode(400).body("errors[0].field", equalTo("status"));

        UUID subject = UUID.fromString(id);
        assertEquals(1, Org.events("integration.created", subject));
        assertEquals(1, Org.events("integration.updated", subject));
        List<ConsumerRecord<String, String>> records = TestKafka.instance().awaitRecords(Topics.AGENTS,
                r -> r.value().contains("io.companyagents.integration.updated") && r.value().contains(id), 1,
                Duration.ofSeconds(30));
        JsonNode data = JSON.readTree(records.get(0).value()).get("data");
        assertEquals(List.of("config", "status"), List.of(data.get("changed").get(0).asText(), data.get("changed").get(1).asText()));
        assertEquals("paused", data.get("status").asText());
        assertEquals(1, data.get("version").asLong());
        // neither the settings nor the cursor travel
        assertFalse(records.get(0).value().contains("acme/api"));
        assertFalse(records.get(0).value().contains("2025-01-01"));
    }

    @Test
    void ofEightSyncsThatReadTheSameCursorExactlyOneMovesItAndTheOthersGet412() throws Exception {
        UUID company = Org.company("Sync Race Co");
        String owner = Org.owner(company);
        String id = create(company, "{\"kind\":\"linear\",\"state\":{\"page\":0}}");
        String path = base(company) + "/" + id;

        List<ExtractableResponse<Response>> answers = Org.concurrently(8, i -> given().auth().oauth2(owner)
                .contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body("{\"state\":{\"page\":" + (i + 1) + ",\"syncer\":\"s" + i + "\"}}")
                .patch(path).then().extract());

        List<ExtractableResponse<Response>> won = answers.stream().filter(a -> a.statusCode() == 200).toList();
        assertEquals(1, won.size(), "exactly one sync moves the cursor");
        assertEquals(7, answers.stream().filter(a -> a.statusCode() == 412
                && "precondition_failed".equals(a.path("code"))).count(), "every other sync is told it read a stale version");
        int winner = won.get(0).path("state.page");
        given().auth().oauth2(owner).get(path).then().statusCode(200).header("ETag", "\"1\"")
                .body("state.page", equalTo(winner)).body("state.syncer", equalTo("s" + (winner - 1)));
        assertEquals(1, Org.events("integration.updated", UUID.fromString(id)));

        // a loser that re-reads moves it from the new version
        given().auth().oauth2(owner).contentType(ContentType.JSON).header("If-Match", "\"1\"")
                .body("{\"state\":{\"page\":100}}").patch(path)
                .then().statusCode(200).body("state.page", equalTo(100)).body("version", equalTo(2));
        given().auth().oauth2(owner).contentType(ContentType.JSON).header("If-Match", "\"1\"")
                .body("{\"state\":{\"page\":99}}").patch(path).then().statusCode(412);
        given().auth().oauth2(owner).contentType(ContentType.JSON).body("{\"state\":{\"page\":99}}").patch(path)
                .then().statusCode(428);
        given().auth().oauth2(owner).contentType(ContentType.JSON).header("If-Match", "\"2\"")
                .body("{\"state\":null}").patch(path).then().statusCode(200).body("state", equalTo(null));
    }

    @Test
    void integrationsAreValidatedAndOnlyTheBoardChangesThem() throws Exception {
        UUID company = Org.company("Integration Rules");
        UUID other = Org.company("Integration Other");
        String owner = Org.owner(company);
        given().auth().oauth2(owner).contentType(ContentType.JSON).body("{\"config\":{}}").post(base(company))
                .then().statusCode(400).body("errors.field", hasItem("kind"));
        given().auth().oauth2(owner).contentType(ContentType.JSON).body("{\"kind\":\"Git Hub\"}").post(base(company))
                .then().statusCode(400).body("errors.field", hasItem("kind"));
        // config and state must be JSON objects (the answer is Quarkus's own 400 for a mismatched
        // JSON shape: the platform's problem mappers do not cover MismatchedInputException yet)
        given().auth().oauth2(owner).contentType(ContentType.JSON).body("{\"kind\":\"jira\",\"config\":[1]}")
                .post(base(company)).then().statusCode(400);
        given().auth().oauth2(owner).contentType(ContentType.JSON).body("{\"kind\":\"jira\",\"state\":\"abc\"}")
                .post(base(company)).then().statusCode(400);
        assertEquals(0, Org.scalar("select count(*) from agents.integrations where company_id = ?", company));
        given().auth().oauth2(owner).contentType(ContentType.JSON).body("{\"kind\":\"jira\",\"status\":\"on\"}")
                .post(base(company)).then().statusCode(400).body("errors.field", hasItem("status"));
        String id = create(company, "{\"kind\":\"jira\"}");
        given().auth().oauth2(owner).contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body("{\"kind\":\"slack\"}").patch(base(company) + "/" + id)
                .then().statusCode(400).body("errors.field", hasItem("kind"));
        given().auth().oauth2(owner).contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body("{\"config\":null}").patch(base(company) + "/" + id)
                .then().statusCode(400).body("errors.field", hasItem("config"));

        UUID agent = Org.agent(company, "Syncer", "engineer", "");
        given().auth().oauth2(TestTokens.agent(company, agent)).contentType(ContentType.JSON).body("{\"kind\":\"jira\"}")
                .post(base(company)).then().statusCode(403);
        given().auth().oauth2(TestTokens.agent(company, agent)).get(base(company) + "/" + id).then().statusCode(200);
        given().auth().oauth2(TestTokens.board(company, "viewer")).contentType(ContentType.JSON)
                .header("If-Match", "\"0\"").body("{\"status\":\"paused\"}").patch(base(company) + "/" + id)
                .then().statusCode(403);
        given().auth().oauth2(Org.owner(other)).get(base(company) + "/" + id).then().statusCode(404);
        given().auth().oauth2(Org.owner(other)).get(base(other) + "/" + id).then().statusCode(404);
        given().auth().oauth2(owner).get(base(company) + "/" + id).then().statusCode(200).body("version", equalTo(0));
    }
}
