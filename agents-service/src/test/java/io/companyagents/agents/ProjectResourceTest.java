package io.companyagents.agents;

import io.companyagents.platform.events.Topics;
import io.companyagents.platform.testing.RuntimeTestResource;
import io.companyagents.platform.testing.TestKafka;
import io.companyagents.platform.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
@QuarkusTestResource(FakeSecretsService.class)
class ProjectResourceTest {

    @AfterEach
    void secretsServiceBack() {
        FakeSecretsService.REACHABLE.set(true);
    }

    @Test
    void theGitTokenGoesToSecretsServiceAndNeverComesBackInAnyResponseOrEvent() throws Exception {
        UUID company = Org.company("Token Co");
        UUID team = Org.team(company, "Builders");
        String owner = Org.owner(company);
        String token = "ghp_" + UUID.randomUUID().toString().replace("-", "");
        String base = "/api/v1/companies/" + company + "/projects";
        List<String> answers = new ArrayList<>();

        Response created = given().auth().oauth2(owner).contentType(ContentType.JSON)
                .body("{\"name\":\"Website\",\"gitUrl\":\"https://github.com/acme/website.git\",\"teamId\":\"" + team
                        + "\",\"gitToken\":\"" + token + "\"}")
                .post(base);
        created.then().statusCode(201).header("ETag", "\"0\"").body("hasGitToken", equalTo(true))
                .body("defaultBranch", equalTo("main")).body("protectedBranches", contains("main"))
                .body("teamId", equalTo(team.toString())).body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("gitToken")));
        answers.add(created.asString());
        UUID project = UUID.fromString(created.path("id"));
        assertEquals(token, FakeSecretsService.TOKENS.get(company + "/" + project));
        FakeSecretsService.Call put = FakeSecretsService.CALLS.stream()
                .filter(c -> c.path().endsWith(project.toString()) && c.method().equals("PUT")).findFirst().orElseThrow();
        assertEquals("Bearer " + owner, put.authorization(), "the caller's internal token is forwarded");

        answers.add(given().auth().oauth2(owner).get(base + "/" + project).then().statusCode(200)
                .body("hasGitToken", equalTo(true)).extract().asString());
        answers.add(given().auth().oauth2(owner).get(base).then().statusCode(200).extract().asString());
        String rotated = token + "rotated";
        answers.add(given().auth().oauth2(owner).contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body("{\"gitToken\":\"" + rotated + "\",\"protectedBranches\":[\"main\",\"release\"]}")
                .patch(base + "/" + project).then().statusCode(200).header("ETag", "\"1\"")
                .body("protectedBranches", contains("main", "release")).extract().asString());
        assertEquals(rotated, FakeSecretsService.TOKENS.get(company + "/" + project));
        // a bad token is refused without echoing it
        answers.add(given().auth().oauth2(owner).contentType(ContentType.JSON).header("If-Match", "\"1\"")
                .body("{\"gitToken\":\"" + token + " with spaces\"}").patch(base + "/" + project)
                .then().statusCode(400).body("errors[0].field", equalTo("gitToken")).extract().asString());
        answers.add(given().auth().oauth2(owner).contentType(ContentType.JSON).header("If-Match", "\"1\"")
                .body("{\"gitToken\":null}").patch(base + "/" + project)
                .then().statusCode(200).body("hasGitToken", equalTo(false)).extract().asString());
        assertFalse(FakeSecretsService.TOKENS.containsKey(company + "/" + project));

        for (String answer : answers) {
            assertFalse(answer.contains(token), "no answer carries the token: " + answer);
        }
        assertEquals(0, Org.scalar("select count(*) from agents.outbox where payload like ?", "%" + token + "%"));
        assertEquals(3, Org.scalar("select count(*) from agents.outbox where payload::jsonb ->> 'subjectid' = ?",
                project.toString()), "project.created and two project.updated");
        List<ConsumerRecord<String, String>> events = TestKafka.instance().awaitRecords(Topics.AGENTS,
                r -> r.value().contains(project.toString()), 3, Duration.ofSeconds(30));
        events.forEach(r -> assertFalse(r.value().contains(token), "no event carries the token"));
        assertTrue(events.stream().anyMatch(r -> r.value().contains("\"hasGitToken\":true")));
    }

    @Test
    void whenSecretsServiceIsUnreachableATokenIsRefusedWith503AndNothingIsStored() throws Exception {
        UUID company = Org.company("Outage Co");
        String owner = Org.owner(company);
        String base = "/api/v1/companies/" + company + "/projects";
        String token = "glpat-" + UUID.randomUUID();
        long before = Org.scalar("select count(*) from agents.projects where company_id = ?", company);

        FakeSecretsService.REACHABLE.set(false);
        String answer = given().auth().oauth2(owner).contentType(ContentType.JSON)
                .body("{\"name\":\"Dark\",\"gitUrl\":\"git@github.com:acme/dark.git\",\"gitToken\":\"" + token + "\"}")
                .post(base).then().statusCode(503).contentType("application/problem+json")
                .body("code", equalTo("secrets_unavailable")).extract().asString();
        assertFalse(answer.contains(token));
        assertEquals(before, Org.scalar("select count(*) from agents.projects where company_id = ?", company));
        assertEquals(0, Org.scalar("select count(*) from agents.outbox where payload like '%Dark%' and company_id = ?", company));

        // without a token the secret store is not needed
        String id = given().auth().oauth2(owner).contentType(ContentType.JSON).body("{\"name\":\"Plain\"}")
                .post(base).then().statusCode(201).body("hasGitToken", equalTo(false)).extract().path("id");
        given().auth().oauth2(owner).contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body("{\"gitToken\":\"" + token + "\",\"name\":\"Renamed\"}").patch(base + "/" + id)
                .then().statusCode(503).body("code", equalTo("secrets_unavailable"));
        given().auth().oauth2(owner).get(base + "/" + id).then().statusCode(200).header("ETag", "\"0\"")
                .body("name", equalTo("Plain")).body("hasGitToken", equalTo(false));

        FakeSecretsService.REACHABLE.set(true);
        given().auth().oauth2(owner).contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body("{\"gitToken\":\"" + token + "\"}").patch(base + "/" + id)
                .then().statusCode(200).body("hasGitToken", equalTo(true));
    }

    @Test
    void projectsAreValidatedScopedAndGuarded() {
        UUID company = Org.company("Project Rules");
        UUID other = Org.company("Project Other");
        String owner = Org.owner(company);
        String base = "/api/v1/companies/" + company + "/projects";
        given().auth().oauth2(owner).contentType(ContentType.JSON)
                .body("{\"name\":\"Leaky\",\"gitUrl\":\"https://user:secret@github.com/acme/leaky.git\"}")
                .post(base).then().statusCode(400).body("errors[0].field", equalTo("gitUrl"))
                .body(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("secret@")));
        given().auth().oauth2(owner).contentType(ContentType.JSON).body("{\"name\":\"Dup\"}").post(base).then().statusCode(201);
        given().auth().oauth2(owner).contentType(ContentType.JSON).body("{\"name\":\"dup\"}").post(base)
                .then().statusCode(409).body("code", equalTo("project_name_taken"));
        given().auth().oauth2(owner).contentType(ContentType.JSON).body("{\"name\":\"X\",\"hasGitToken\":true}").post(base)
                .then().statusCode(400).body("errors[0].field", equalTo("hasGitToken"));
        String id = given().auth().oauth2(owner).contentType(ContentType.JSON)
                .body("{\"name\":\"Scoped\",\"defaultBranch\":\"trunk\"}").post(base)
                .then().statusCode(201).body("protectedBranches", contains("trunk")).extract().path("id");
        given().auth().oauth2(Org.owner(other)).get(base + "/" + id).then().statusCode(404);
        given().auth().oauth2(Org.owner(other)).get("/api/v1/companies/" + other + "/projects/" + id).then().statusCode(404);
        given().auth().oauth2(TestTokens.agent(company, UUID.randomUUID())).get(base + "/" + id).then().statusCode(200);
        given().auth().oauth2(TestTokens.agent(company, UUID.randomUUID())).contentType(ContentType.JSON)
                .header("If-Match", "\"0\"").body("{\"name\":\"Mine\"}").patch(base + "/" + id).then().statusCode(403);
        given().auth().oauth2(owner).contentType(ContentType.JSON).header("If-Match", "\"5\"").body("{\"name\":\"Late\"}")
                .patch(base + "/" + id).then().statusCode(412);
    }
}
