package io.companyagents.secrets;

import io.companyagents.platform.testing.RuntimeTestResource;
import io.companyagents.platform.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.companyagents.secrets.SecretsApiClient.as;
import static io.companyagents.secrets.SecretsApiClient.json;
import static io.companyagents.secrets.SecretsApiClient.owner;
import static io.companyagents.secrets.SecretsApiClient.reveal;
import static io.companyagents.secrets.SecretsApiClient.scalar;
import static io.companyagents.secrets.SecretsApiClient.secrets;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The internal endpoint agents-service uses for a project's git token. */
@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class ProjectTokenResourceTest {

    private static String token(UUID company, UUID project) {
        return "/internal/v1/companies/" + company + "/project-tokens/" + project;
    }

    @Test
    void aProjectTokenIsStoredReplacedAndDestroyedWithoutEverBeingServed() throws Exception {
        UUID company = UUID.randomUUID();
        UUID project = UUID.randomUUID();
        as(owner(company)).get(token(company, project))
                .then().statusCode(200).body("hasGitToken", equalTo(false));

        var stored = as(TestTokens.board(company, "operator")).body(json("token", "ghp_first")).put(token(company, project))
                .then().statusCode(200).body("hasGitToken", equalTo(true)).body("currentVersion", equalTo(1))
                .body("secretId", notNullValue()).extract();
        assertFalse(stored.asString().contains("ghp_first"));
        String secretId = stored.path("secretId");

        var replaced = as(owner(company)).body(json("token", "ghp_second")).put(token(company, project))
                .then().statusCode(200).body("currentVersion", equalTo(2)).body("secretId", equalTo(secretId)).extract();
        assertFalse(replaced.asString().contains("ghp_second"));
        as(TestTokens.board(company, "viewer")).get(token(company, project))
                .then().statusCode(200).body("hasGitToken", equalTo(true));

        // an ordinary secret for everything else: listed by kind, revealed by the owner
        as(owner(company)).queryParam("kind", "project_token").get(secrets(company))
                .then().statusCode(200).body("items.name", hasItem("project-tokens/" + project));
        assertEquals("ghp_second", reveal(owner(company), company, secretId).path("value"));

        as(owner(company)).delete(token(company, project)).then().statusCode(204);
        as(owner(company)).delete(token(company, project)).then().statusCode(204);
        as(owner(company)).get(token(company, project)).then().statusCode(200).body("hasGitToken", equalTo(false));
        assertEquals(0, scalar("select count(*) from secrets.secret_versions where secret_id = '" + secretId
                + "' and wrapped_data_key is not null"), "removal shreds the token");

        as(owner(company)).body(json("token", "ghp_third")).put(token(company, project))
                .then().statusCode(200).body("currentVersion", equalTo(1)).body("secretId", not(equalTo(secretId)));
    }

    @Test
    void theEndpointTakesTheInternalTokenAndTheSameRulesAsTheApi() {
        UUID company = UUID.randomUUID();
        UUID project = UUID.randomUUID();
        given().get(token(company, project)).then().statusCode(401);
        given().contentType("application/json").body(json("token", "x")).put(token(company, project)).then().statusCode(401);
        as(TestTokens.board(company, "viewer")).body(json("token", "x")).put(token(company, project)).then().statusCode(403);
        as(TestTokens.agent(company, UUID.randomUUID())).body(json("token", "x")).put(token(company, project))
                .then().statusCode(403);
        as(owner(UUID.randomUUID())).get(token(company, project)).then().statusCode(404);
        as(owner(company)).body("{\"token\":\"\"}").put(token(company, project))
                .then().statusCode(400).body("code", equalTo("validation_failed"));
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/internal/v1/companies/{companyId}/project-tokens/{projectId}"));
    }
}
