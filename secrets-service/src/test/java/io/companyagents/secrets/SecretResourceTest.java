package io.companyagents.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.companyagents.platform.events.Topics;
import io.companyagents.platform.testing.RuntimeTestResource;
import io.companyagents.platform.testing.TestKafka;
import io.companyagents.platform.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.companyagents.secrets.SecretsApiClient.as;
import static io.companyagents.secrets.SecretsApiClient.create;
import static io.companyagents.secrets.SecretsApiClient.json;
import static io.companyagents.secrets.SecretsApiClient.owner;
import static io.companyagents.secrets.SecretsApiClient.reveal;
import static io.companyagents.secrets.SecretsApiClient.scalar;
import static io.companyagents.secrets.SecretsApiClient.secret;
import static io.companyagents.secrets.SecretsApiClient.secrets;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class SecretResourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aSecretIsStoredAndServedAsMetadataOnly() {
        UUID company = UUID.randomUUID();
        var created = as(owner(company)).body("{\"name\":\"stripe/api-key\",\"value\":\"sk_live_1\",\"description\":\"billing\"}")
                .post(secrets(company))
                .then().statusCode(201)
                .body("name", equalTo("stripe/api-key")).body("description", equalTo("billing"))
                .body("currentVersion", equalTo(1)).body("kind", equalTo("secret"))
                .body("createdAt", notNullValue()).body("updatedAt", notNullValue())
                .body("$", not(org.hamcrest.Matchers.hasKey("value")))
                .extract();
        String id = created.path("id");
        assertTrue(created.header("Location").endsWith(secrets(company) + "/" + id), created.header("Location"));

        given().auth().oauth2(TestTokens.board(company, "viewer")).get(secret(company, id))
                .then().statusCode(200).body("id", equalTo(id)).body("deletedAt", nullValue())
                .body("$", not(org.hamcrest.Matchers.hasKey("value")));
        given().auth().oauth2(TestTokens.agent(company, UUID.randomUUID())).get(secrets(company))
                .then().statusCode(200).body("items.id", hasItem(id)).body("nextCursor", nullValue());
    }

    @Test
    void aNameIsHeldUntilItsSecretIsDestroyed() {
        UUID company = UUID.randomUUID();
        String first = create(company, "db-password", "one");
        as(owner(company)).body(json("name", "db-password", "value", "two")).post(secrets(company))
                .then().statusCode(409).body("code", equalTo("name_taken"));
        create(UUID.randomUUID(), "db-password", "another company may use the name");

        as(owner(company)).delete(secret(company, first)).then().statusCode(204);
        as(owner(company)).delete(secret(company, first)).then().statusCode(204);
        as(owner(company)).body(json("name", "db-password", "value", "two")).post(secrets(company))
                .then().statusCode(409).body("code", equalTo("name_taken"))
                .body("detail", org.hamcrest.Matchers.containsString("destroy"));
        as(owner(company)).get(secret(company, first)).then().statusCode(200).body("deletedAt", notNullValue());
        as(owner(company)).get(secrets(company)).then().body("items.id", not(hasItem(first)));
        as(owner(company)).queryParam("includeDeleted", true).get(secrets(company)).then().body("items.id", hasItem(first));

        as(owner(company)).post(secret(company, first) + "/destroy")
                .then().statusCode(200).body("destroyedAt", notNullValue());
        create(company, "db-password", "two");
    }

    @Test
    void aNewValueIsANewVersionAndOlderVersionsStillReveal() {
        UUID company = UUID.randomUUID();
        String id = create(company, "api-token", "v1-value");
        as(TestTokens.board(company, "operator")).body(json("value", "v2-value")).put(secret(company, id) + "/value")
                .then().statusCode(200).body("currentVersion", equalTo(2));

        as(owner(company)).body(json("reason", "deploy")).post(secret(company, id) + "/reveal")
                .then().statusCode(200).header("Cache-Control", org.hamcrest.Matchers.containsString("no-store"))
                .body("value", equalTo("v2-value")).body("version", equalTo(2));
        as(owner(company)).body("{\"reason\":\"audit\",\"version\":1}").post(secret(company, id) + "/reveal")
                .then().statusCode(200).body("value", equalTo("v1-value")).body("version", equalTo(1));
        as(owner(company)).body("{\"reason\":\"audit\",\"version\":3}").post(secret(company, id) + "/reveal")
                .then().statusCode(404).body("code", equalTo("not_found"));
    }

    @Test
    void destroyingShredsEveryWrappedDataKey() throws Exception {
        UUID company = UUID.randomUUID();
        String id = create(company, "to-shred", "v1");
        as(owner(company)).body(json("value", "v2")).put(secret(company, id) + "/value").then().statusCode(200);
        assertEquals(2, scalar("select count(*) from secrets.secret_versions where secret_id = '" + id
                + "' and wrapped_data_key is not null"));

        as(TestTokens.board(company, "operator")).post(secret(company, id) + "/destroy")
                .then().statusCode(403);
        as(owner(company)).post(secret(company, id) + "/destroy").then().statusCode(200);

        assertEquals(0, scalar("select count(*) from secrets.secret_versions where secret_id = '" + id
                + "' and (wrapped_data_key is not null or ciphertext is not null)"));
        assertEquals(2, scalar("select count(*) from secrets.secret_versions where secret_id = '" + id + "'"),
                "the versions stay on record, without key or ciphertext");
        as(owner(company)).body(json("reason", "x")).post(secret(company, id) + "/reveal")
                .then().statusCode(409).body("code", equalTo("secret_deleted"));
    }

    @Test
    void onlyABoardOwnerOrAnAgentHoldingAGrantMayReveal() {
        UUID company = UUID.randomUUID();
        UUID agent = UUID.randomUUID();
        String id = create(company, "github-token", "ghp_value");

        assertEquals(200, reveal(owner(company), company, id).statusCode());
        for (String token : List.of(TestTokens.board(company, "operator"), TestTokens.board(company, "viewer"),
                TestTokens.admin(), TestTokens.agent(company, agent))) {
            var answer = reveal(token, company, id);
            assertEquals(403, answer.statusCode());
            assertEquals("forbidden", answer.path("code"));
            assertTrue(!answer.asString().contains("ghp_value"));
        }

        as(TestTokens.board(company, "operator")).body("{\"agentId\":\"" + agent + "\"}").post(secret(company, id) + "/grants")
                .then().statusCode(201).body("agentId", equalTo(agent.toString()));
        as(owner(company)).body("{\"agentId\":\"" + agent + "\"}").post(secret(company, id) + "/grants")
                .then().statusCode(200);
        as(TestTokens.board(company, "viewer")).get(secret(company, id) + "/grants")
                .then().statusCode(200).body("items.agentId", hasItem(agent.toString()));

        var granted = reveal(TestTokens.agent(company, agent), company, id);
        assertEquals(200, granted.statusCode());
        assertEquals("ghp_value", granted.path("value"));
        assertEquals(403, reveal(TestTokens.agent(company, UUID.randomUUID()), company, id).statusCode(),
                "another agent of the company holds no grant");
        assertEquals(404, reveal(TestTokens.agent(UUID.randomUUID(), agent), company, id).statusCode(),
                "the same agent id in another company is not this agent");

        as(owner(company)).delete(secret(company, id) + "/grants/" + agent).then().statusCode(204);
        as(owner(company)).delete(secret(company, id) + "/grants/" + agent).then().statusCode(404);
        assertEquals(403, reveal(TestTokens.agent(company, agent), company, id).statusCode());
    }

    @Test
    void viewersAndAgentsCannotWrite() {
        UUID company = UUID.randomUUID();
        String id = create(company, "readonly-check", "v");
        for (String token : List.of(TestTokens.board(company, "viewer"), TestTokens.agent(company, UUID.randomUUID()))) {
            as(token).body(json("name", "nope", "value", "v")).post(secrets(company)).then().statusCode(403);
            as(token).body(json("value", "v2")).put(secret(company, id) + "/value").then().statusCode(403);
            as(token).delete(secret(company, id)).then().statusCode(403);
            as(token).post(secret(company, id) + "/destroy").then().statusCode(403);
            as(token).body("{\"agentId\":\"" + UUID.randomUUID() + "\"}").post(secret(company, id) + "/grants")
                    .then().statusCode(403).body("code", equalTo("forbidden"));
        }
        as(TestTokens.admin()).body(json("value", "by-admin")).put(secret(company, id) + "/value")
                .then().statusCode(200).body("currentVersion", equalTo(2));
    }

    @Test
    void anotherCompanysSecretIsNotFound() {
        UUID company = UUID.randomUUID();
        String id = create(company, "private", "v");
        UUID other = UUID.randomUUID();
        as(owner(other)).get(secret(company, id)).then().statusCode(404).body("code", equalTo("not_found"));
        as(owner(other)).get(secret(other, id)).then().statusCode(404);
        as(owner(other)).body(json("reason", "x")).post(secret(other, id) + "/reveal").then().statusCode(404);
        as(owner(other)).body(json("value", "x")).put(secret(other, id) + "/value").then().statusCode(404);
        given().get(secret(company, id)).then().statusCode(401);
    }

    @Test
    void badInputIsA400ProblemAndStoresNothing() throws Exception {
        UUID company = UUID.randomUUID();
        String id = create(company, "valid", "v");
        long before = scalar("select count(*) from secrets.secrets where company_id = '" + company + "'");

        as(owner(company)).body("{\"name\":\"x\"}").post(secrets(company))
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("validation_failed")).body("errors.field", hasItem("value"));
        as(owner(company)).body(json("name", "has space", "value", "v")).post(secrets(company))
                .then().statusCode(400).body("errors.field", hasItem("name"));
        as(owner(company)).body(json("name", "project-tokens/x", "value", "v")).post(secrets(company))
                .then().statusCode(400).body("errors.field", hasItem("name"));
        as(owner(company)).body("{\"name\":\"ok\",\"value\":\"v\",\"id\":\"" + UUID.randomUUID() + "\"}").post(secrets(company))
                .then().statusCode(400).body("errors[0].field", equalTo("id"));
        as(owner(company)).body("{\"name\":\"ok\",\"value\":\"\"}").post(secrets(company))
                .then().statusCode(400).body("errors.field", hasItem("value"));
        as(owner(company)).body("{\"name\": ").post(secrets(company))
                .then().statusCode(400).body("code", equalTo("malformed_json"));
        as(owner(company)).body(json("reason", " ")).post(secret(company, id) + "/reveal")
                .then().statusCode(400).body("errors.field", hasItem("reason"));
        as(owner(company)).body("{\"reason\":\"r\",\"version\":0}").post(secret(company, id) + "/reveal")
                .then().statusCode(400).body("errors.field", hasItem("version"));
        as(owner(company)).body("{\"agentId\":\"not-a-uuid\"}").post(secret(company, id) + "/grants")
                .then().statusCode(400).body("errors.field", hasItem("agentId"));
        as(owner(company)).queryParam("limit", 0).get(secrets(company)).then().statusCode(400);
        as(owner(company)).queryParam("kind", "bogus").get(secrets(company))
                .then().statusCode(400).body("errors.field", hasItem("kind"));

        assertEquals(before, scalar("select count(*) from secrets.secrets where company_id = '" + company + "'"));
    }

    @Test
    void keysetPagesWalkTheSecretsWithoutGapOrRepeat() {
        UUID company = UUID.randomUUID();
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(create(company, "page-" + i, "v" + i));
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            var req = as(owner(company)).queryParam("limit", 2);
            if (cursor != null) {
                req.queryParam("cursor", cursor);
            }
            var page = req.get(secrets(company)).then().statusCode(200).extract();
            seen.addAll(page.path("items.id"));
            cursor = page.path("nextCursor");
        } while (cursor != null);
        assertEquals(created, seen);
    }

    @Test
    void everyChangeIsAnEventOnTheSecretsTopicAndNoneCarriesTheValue() throws Exception {
        UUID company = UUID.randomUUID();
        UUID agent = UUID.randomUUID();
        String value = "event-check-" + UUID.randomUUID();
        String id = create(company, "evented", value);
        as(owner(company)).body(json("value", value + "-2")).put(secret(company, id) + "/value").then().statusCode(200);
        as(owner(company)).body("{\"agentId\":\"" + agent + "\"}").post(secret(company, id) + "/grants").then().statusCode(201);
        assertEquals(200, reveal(TestTokens.agent(company, agent), company, id).statusCode());
        as(owner(company)).delete(secret(company, id) + "/grants/" + agent).then().statusCode(204);
        as(owner(company)).delete(secret(company, id)).then().statusCode(204);
        as(owner(company)).post(secret(company, id) + "/destroy").then().statusCode(200);

        List<String> expected = List.of("secret.created", "secret.version_added", "secret.grant_added",
                "secret.revealed", "secret.grant_removed", "secret.deleted", "secret.destroyed");
        List<ConsumerRecord<String, String>> records = TestKafka.instance().awaitRecords(Topics.SECRETS,
                r -> r.value().contains(id), expected.size(), Duration.ofSeconds(30));
        List<String> types = new ArrayList<>();
        for (ConsumerRecord<String, String> r : records) {
            assertEquals(company.toString(), r.key());
            assertTrue(!r.value().contains(value), "no event carries the value");
            JsonNode event = JSON.readTree(r.value());
            types.add(event.get("type").asText().replace("io.companyagents.", ""));
            assertEquals("secret", event.get("subjecttype").asText());
        }
        assertEquals(expected, types);
        JsonNode revealed = JSON.readTree(records.get(3).value());
        assertEquals("agent", revealed.get("actortype").asText());
        assertEquals(agent.toString(), revealed.get("actorid").asText());
        assertEquals("test", revealed.get("data").get("reason").asText());
        assertEquals(2, revealed.get("data").get("version").asInt());
    }

    @Test
    void aRetriedCreateWithTheSameIdempotencyKeyAnswersTheFirstResponse() throws Exception {
        UUID company = UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        String first = as(owner(company)).header("Idempotency-Key", key).body(json("name", "idem", "value", "v1"))
                .post(secrets(company)).then().statusCode(201).extract().path("id");
        as(owner(company)).header("Idempotency-Key", key).body(json("name", "idem", "value", "v1"))
                .post(secrets(company)).then().statusCode(201).body("id", equalTo(first));
        as(owner(company)).header("Idempotency-Key", key).body(json("name", "other-name", "value", "v1"))
                .post(secrets(company)).then().statusCode(422).body("code", equalTo("idempotency_key_reused"));
        assertEquals(1, scalar("select count(*) from secrets.secrets where company_id = '" + company + "'"));
    }
}
