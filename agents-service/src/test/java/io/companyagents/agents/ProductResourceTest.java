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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.aMapWithSize;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class ProductResourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String base(UUID company) {
        return "/api/v1/companies/" + company + "/products";
    }

    /** The GPath of a team's entry in the map (ids need quoting). */
    private static String entry(UUID team) {
        return "projects.'" + team + "'";
    }

    private static String map(Object... teamThenProject) {
        StringBuilder s = new StringBuilder("{");
        for (int i = 0; i < teamThenProject.length; i += 2) {
            s.append(i == 0 ? "" : ",").append('"').append(teamThenProject[i]).append("\":")
                    .append(teamThenProject[i + 1] == null ? "null" : "\"" + teamThenProject[i + 1] + "\"");
        }
        return s.append('}').toString();
    }

    @Test
    void aProductMapsEachTeamToAProjectOfItsOwnCompanyAndAnyOtherReferenceIs400() throws Exception {
        UUID company = Org.company("Product Co");
        UUID other = Org.company("Product Other");
        UUID web = Org.team(company, "Web");
        UUID mobile = Org.team(company, "Mobile");
        UUID webRepo = Org.project(company, "web-repo", web);
        UUID appRepo = Org.project(company, "app-repo", null);
        UUID foreignTeam = Org.team(other, "Theirs");
        UUID foreignRepo = Org.project(other, "their-repo", null);
        String owner = Org.owner(company);

        String id = given().auth().oauth2(owner).contentType(ContentType.JSON)
                .body("{\"name\":\"Storefront\",\"description\":\"the shop\",\"projects\":" + map(web, webRepo, mobile, appRepo) + "}")
                .post(base(company)).then().statusCode(201).header("ETag", "\"0\"")
                .body("name", equalTo("Storefront")).body("projects", aMapWithSize(2))
                .body(entry(web), equalTo(webRepo.toString()))
                .body(entry(mobile), equalTo(appRepo.toString()))
                .extract().path("id");
        given().auth().oauth2(TestTokens.board(company, "viewer")).get(base(company) + "/" + id)
                .then().statusCode(200).body(entry(web), equalTo(webRepo.toString()));

        given().auth().oauth2(owner).contentType(ContentType.JSON)
                .body("{\"name\":\"Stolen team\",\"projects\":" + map(foreignTeam, webRepo) + "}").post(base(company))
                .then().statusCode(400).body("code", equalTo("validation_failed"))
                .body("errors.field", contains("projects." + foreignTeam))
                .body("errors[0].message", equalTo("is not a team of this company"));
        given().auth().oauth2(owner).contentType(ContentType.JSON)
                .body("{\"name\":\"Stolen repo\",\"projects\":" + map(web, foreignRepo, mobile, appRepo) + "}")
                .post(base(company)).then().statusCode(400)
                .body("errors.field", contains("projects." + web))
                .body("errors[0].message", equalTo("is not a project of this company"));
        given().auth().oauth2(owner).contentType(ContentType.JSON)
                .body("{\"name\":\"Made up\",\"projects\":" + map(UUID.randomUUID(), UUID.randomUUID()) + "}")
                .post(base(company)).then().statusCode(400);
        given().auth().oauth2(owner).contentType(ContentType.JSON)
                .body("{\"name\":\"No repo\",\"projects\":" + map(web, null) + "}").post(base(company))
                .then().statusCode(400).body("errors.field", contains("projects." + web));
        given().auth().oauth2(owner).contentType(ContentType.JSON)
                .body("{\"name\":\"Bad key\",\"projects\":{\"web\":\"" + webRepo + "\"}}").post(base(company))
                .then().statusCode(400);
        given().auth().oauth2(owner).contentType(ContentType.JSON).body("{\"name\":\"storefront\"}").post(base(company))
                .then().statusCode(409).body("code", equalTo("product_name_taken"));
        assertEquals(1, Org.scalar("select count(*) from agents.products where company_id = ?", company));
        assertEquals(2, Org.scalar("select count(*) from agents.product_projects where company_id = ?", company));

        List<ConsumerRecord<String, String>> records = TestKafka.instance().awaitRecords(Topics.AGENTS,
                r -> r.value().contains("io.companyagents.product.created") && r.value().contains(id), 1,
                Duration.ofSeconds(30));
        JsonNode data = JSON.readTree(records.get(0).value()).get("data");
        assertEquals(Map.of(web.toString(), webRepo.toString(), mobile.toString(), appRepo.toString()),
                JSON.convertValue(data.get("projects"), Map.class));

        UUID agent = Org.agent(company, "Builder", "engineer", "");
        given().auth().oauth2(TestTokens.agent(company, agent)).contentType(ContentType.JSON).body("{\"name\":\"Mine\"}")
                .post(base(company)).then().statusCode(403);
        given().auth().oauth2(TestTokens.agent(company, agent)).get(base(company))
                .then().statusCode(200).body("items.id", contains(id));
        given().auth().oauth2(Org.owner(other)).get(base(company) + "/" + id).then().statusCode(404);
        given().auth().oauth2(Org.owner(other)).get(base(other) + "/" + id).then().statusCode(404);
    }

    @Test
    void aPatchSetsReplacesAndRemovesSingleTeamsOfTheMap() throws Exception {
        UUID company = Org.company("Map Patch Co");
        UUID other = Org.company("Map Patch Other");
        UUID a = Org.team(company, "A");
        UUID b = Org.team(company, "B");
        UUID repo1 = Org.project(company, "repo-1", null);
        UUID repo2 = Org.project(company, "repo-2", null);
        UUID foreignRepo = Org.project(other, "foreign", null);
        String owner = Org.owner(company);
        String id = given().auth().oauth2(owner).contentType(ContentType.JSON)
                .body("{\"name\":\"Platform\",\"projects\":" + map(a, repo1) + "}").post(base(company))
                .then().statusCode(201).extract().path("id");
        String path = base(company) + "/" + id;

        given().auth().oauth2(owner).contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body("{\"projects\":" + map(b, repo2) + "}").patch(path)
                .then().statusCode(200).header("ETag", "\"1\"").body("projects", aMapWithSize(2))
                .body(entry(a), equalTo(repo1.toString())).body(entry(b), equalTo(repo2.toString()));
        given().auth().oauth2(owner).contentType(ContentType.JSON).header("If-Match", "\"1\"")
                .body("{\"projects\":" + map(a, repo2, b, null) + ",\"description\":\"core\"}").patch(path)
                .then().statusCode(200).body("version", equalTo(2)).body("projects", aMapWithSize(1))
                .body(entry(a), equalTo(repo2.toString())).body("description", equalTo("core"));
        given().auth().oauth2(owner).contentType(ContentType.JSON).header("If-Match", "\"2\"")
                .body("{\"projects\":" + map(b, foreignRepo) + "}").patch(path)
                .then().statusCode(400).body("errors.field", contains("projects." + b));
        given().auth().oauth2(owner).contentType(ContentType.JSON).header("If-Match", "\"1\"")
                .body("{\"name\":\"Late\"}").patch(path).then().statusCode(412);
        given().auth().oauth2(owner).get(path).then().statusCode(200).header("ETag", "\"2\"")
                .body("name", equalTo("Platform")).body("projects", aMapWithSize(1));
        // the same entries again change nothing
        given().auth().oauth2(owner).contentType(ContentType.JSON).header("If-Match", "\"2\"")
                .body("{\"projects\":" + map(a, repo2) + "}").patch(path).then().statusCode(200).body("version", equalTo(2));
        given().auth().oauth2(owner).contentType(ContentType.JSON).header("If-Match", "\"2\"")
                .body("{\"projects\":null}").patch(path)
                .then().statusCode(200).body("version", equalTo(3)).body("projects", aMapWithSize(0));
        given().auth().oauth2(owner).contentType(ContentType.JSON).header("If-Match", "\"3\"")
                .body("{\"id\":\"" + UUID.randomUUID() + "\"}").patch(path)
                .then().statusCode(400).body("errors.field", hasItem("id"));

        assertEquals(3, Org.events("product.updated", UUID.fromString(id)));
        assertEquals(0, Org.scalar("select count(*) from agents.product_projects where product_id = ?::uuid", id));
        given().auth().oauth2(owner).get(base(company)).then().statusCode(200)
                .body("items.id", containsInAnyOrder(id));
    }

    @Test
    void aTeamThatBuildsAProductCannotBeDeleted() {
        UUID company = Org.company("Team Product Co");
        UUID team = Org.team(company, "Short-lived");
        UUID repo = Org.project(company, "shared-repo", null);
        String owner = Org.owner(company);
        String id = given().auth().oauth2(owner).contentType(ContentType.JSON)
                .body("{\"name\":\"Gadget\",\"projects\":" + map(team, repo) + "}").post(base(company))
                .then().statusCode(201).extract().path("id");
        String teamPath = "/api/v1/companies/" + company + "/teams/" + team;
        given().auth().oauth2(owner).delete(teamPath).then().statusCode(409).body("code", equalTo("team_in_products"));
        given().auth().oauth2(owner).contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body("{\"projects\":" + map(team, null) + "}").patch(base(company) + "/" + id).then().statusCode(200);
        given().auth().oauth2(owner).delete(teamPath).then().statusCode(204);
    }
}
