package io.companyagents.agents;

import io.companyagents.platform.testing.RuntimeTestResource;
import io.companyagents.platform.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Journals, notifications and approvals: how agents and the board work together. */
@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class CollaborationResourceTest {

    @Test
    void anAgentWritesItsOwnJournalAndNoOneElses() {
        UUID company = Org.company("Journal Co");
        UUID writer = Org.agent(company, "Writer", "engineer", "");
        UUID neighbour = Org.agent(company, "Neighbour", "engineer", "");
        String base = "/api/v1/companies/" + company + "/agents/" + writer + "/journal";
        UUID task = UUID.randomUUID();
        given().auth().oauth2(TestTokens.agent(company, writer)).contentType(ContentType.JSON)
                .body("{\"kind\":\"learning\",\"body\":\"Run tests before pushing\",\"taskId\":\"" + task + "\"}")
                .post(base).then().statusCode(201).body("kind", equalTo("learning")).body("agentId", equalTo(writer.toString()));
        given().auth().oauth2(Org.owner(company)).contentType(ContentType.JSON).body("{\"kind\":\"note\",\"body\":\"Good work\"}")
                .post(base).then().statusCode(201).body("createdByType", equalTo("board"));
        given().auth().oauth2(TestTokens.agent(company, neighbour)).contentType(ContentType.JSON)
                .body("{\"kind\":\"note\",\"body\":\"I was here\"}").post(base).then().statusCode(403);
        given().auth().oauth2(TestTokens.agent(company, writer)).contentType(ContentType.JSON)
                .body("{\"kind\":\"rant\",\"body\":\"x\"}").post(base).then().statusCode(400).body("errors[0].field", equalTo("kind"));
        given().auth().oauth2(TestTokens.agent(company, neighbour)).get(base).then().statusCode(200)
                .body("items.kind", contains("learning", "note"));
        given().auth().oauth2(Org.owner(company)).queryParam("taskId", task.toString()).get(base)
                .then().body("items.body", contains("Run tests before pushing"));
        given().auth().oauth2(Org.owner(company)).get("/api/v1/companies/" + company + "/agents/" + UUID.randomUUID() + "/journal")
                .then().statusCode(404);
    }

    @Test
    void onlyARecipientAcknowledgesANotification() throws Exception {
        UUID company = Org.company("Notify Co");
        UUID alice = Org.agent(company, "Alice", "engineer", "");
        UUID bob = Org.agent(company, "Bob", "qa", "");
        UUID carol = Org.agent(company, "Carol", "reviewer", "");
        String base = "/api/v1/companies/" + company + "/notifications";
        String id = given().auth().oauth2(Org.owner(company)).contentType(ContentType.JSON)
                .body("{\"kind\":\"policy\",\"recipients\":[\"" + alice + "\",\"" + bob + "\"],\"title\":\"New review rules\","
                        + "\"body\":\"Read them\",\"requiresAck\":true}")
                .post(base).then().statusCode(201).body("recipients.agentId", contains(alice.toString(), bob.toString()))
                .body("recipients[0].ackedAt", equalTo(null)).extract().path("id");

        given().auth().oauth2(TestTokens.agent(company, carol)).post(base + "/" + id + "/ack")
                .then().statusCode(403).body("code", equalTo("forbidden"));
        given().auth().oauth2(Org.owner(company)).post(base + "/" + id + "/ack").then().statusCode(403);
        given().auth().oauth2(TestTokens.agent(company, alice)).post(base + "/" + id + "/ack")
                .then().statusCode(200).body("recipients[0].ackedAt", notNullValue()).body("recipients[1].ackedAt", equalTo(null));
        given().auth().oauth2(TestTokens.agent(company, alice)).post(base + "/" + id + "/ack").then().statusCode(200);
        assertEquals(1, Org.events("notification.acked", UUID.fromString(id)), "a second ack changes nothing");

        given().auth().oauth2(TestTokens.agent(company, alice)).queryParam("recipient", alice.toString())
                .queryParam("unacked", true).get(base).then().statusCode(200).body("items", empty());
        given().auth().oauth2(TestTokens.agent(company, bob)).queryParam("recipient", bob.toString())
                .queryParam("unacked", true).get(base).then().body("items.id", contains(id));
        given().auth().oauth2(Org.owner(company)).queryParam("unacked", true).get(base).then().body("items.id", contains(id));
        given().auth().oauth2(TestTokens.agent(company, bob)).post(base + "/" + id + "/ack").then().statusCode(200);
        given().auth().oauth2(Org.owner(company)).queryParam("unacked", true).get(base).then().body("items", empty());

        given().auth().oauth2(Org.owner(company)).contentType(ContentType.JSON)
                .body("{\"kind\":\"policy\",\"recipients\":[\"" + UUID.randomUUID() + "\"],\"title\":\"To nobody\"}")
                .post(base).then().statusCode(400).body("errors[0].field", equalTo("recipients"));
        given().auth().oauth2(Org.owner(Org.company("Nosy Co"))).post(base + "/" + id + "/ack").then().statusCode(404);
    }

    @Test
    void theBoardDecidesApprovalsOnceAndAgentsOnlyAsk() throws Exception {
        UUID company = Org.company("Approval Co");
        UUID ceo = Org.agent(company, "Chief", "ceo", "");
        String base = "/api/v1/companies/" + company + "/approvals";
        String ceoKey = TestTokens.agent(company, ceo);
        String id = given().auth().oauth2(ceoKey).contentType(ContentType.JSON)
                .body("{\"kind\":\"hire_agent\",\"payload\":{\"role\":\"qa\",\"name\":\"Quinn\"}}")
                .post(base).then().statusCode(201).body("status", equalTo("pending"))
                .body("requestedBy", equalTo(ceo.toString())).body("payload.role", equalTo("qa")).extract().path("id");
        given().auth().oauth2(ceoKey).contentType(ContentType.JSON).body("{\"kind\":\"generic\",\"status\":\"approved\"}")
                .post(base).then().statusCode(400).body("errors[0].field", equalTo("status"));
        given().auth().oauth2(ceoKey).post(base + "/" + id + "/approve").then().statusCode(403);
        given().auth().oauth2(TestTokens.board(company, "viewer")).post(base + "/" + id + "/approve").then().statusCode(403);
        given().auth().oauth2(Org.owner(company)).contentType(ContentType.JSON).body("{\"note\":\"welcome Quinn\"}")
                .post(base + "/" + id + "/approve").then().statusCode(200).body("status", equalTo("approved"))
                .body("decisionNote", equalTo("welcome Quinn")).body("decidedAt", notNullValue()).header("ETag", "\"1\"");
        given().auth().oauth2(Org.owner(company)).post(base + "/" + id + "/reject")
                .then().statusCode(409).body("code", equalTo("illegal_transition")).body("currentStatus", equalTo("approved"));
        given().auth().oauth2(ceoKey).queryParam("status", "approved").get(base).then().body("items.id", contains(id));
        given().auth().oauth2(ceoKey).queryParam("status", "pending").get(base).then().body("items", empty());
        assertEquals(1, Org.events("approval.requested", UUID.fromString(id)));
        assertEquals(1, Org.events("approval.decided", UUID.fromString(id)));
    }
}
