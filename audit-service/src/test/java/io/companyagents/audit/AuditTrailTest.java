package io.companyagents.audit;

import io.companyagents.platform.events.Topics;
import io.companyagents.platform.testing.RuntimeTestResource;
import io.companyagents.platform.testing.TestKafka;
import io.companyagents.platform.testing.TestPostgres;
import io.companyagents.platform.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class AuditTrailTest {

    private static String event(UUID id, UUID company, String type, String name) {
        return """
                {"specversion":"1.0","id":"%s","source":"/agents-service","type":"%s","subject":"company/%s",
                 "time":"2026-11-22T10:15:30.123456Z","datacontenttype":"application/json","companyid":"%s",
                 "actortype":"admin","actorid":"k1","subjecttype":"company","subjectid":"%s",
                 "data":{"name":"%s","zeta":1,"alpha":{"b":2,"a":[1,2]}}}""".formatted(id, type, company, company, company, name);
    }

    private static ValidatableResponse events(UUID company) {
        return given().auth().oauth2(TestTokens.board(company, "viewer"))
                .get("/api/v1/companies/" + company + "/audit-events").then().statusCode(200);
    }

    private static List<Object> seqs(UUID company) {
        return events(company).extract().path("items.seq");
    }

    @Test
    void eachEventIsStoredOnceHoweverOftenItIsDeliveredAndTheChainLinks() {
        UUID company = UUID.randomUUID();
        UUID first = UUID.randomUUID();
        String created = event(first, company, "io.companyagents.company.created", "Acme");
        TestKafka.instance().send(Topics.AGENTS, company.toString(), created);
        TestKafka.instance().send(Topics.AGENTS, company.toString(), created);
        UUID second = UUID.randomUUID();
        TestKafka.instance().send(Topics.AGENTS, company.toString(), event(second, company, "io.companyagents.company.updated", "Acme 2"));
        TestKafka.instance().send(Topics.AGENTS, company.toString(), created);

        await().atMost(Duration.ofSeconds(30)).until(() -> seqs(company).size() == 2);
        // a late redelivery must not add a row either
        UUID marker = UUID.randomUUID();
        TestKafka.instance().send(Topics.AGENTS, company.toString(), event(marker, company, "io.companyagents.company.updated", "Acme 3"));
        await().atMost(Duration.ofSeconds(30)).until(() -> seqs(company).size() == 3);

        ValidatableResponse list = events(company)
                .body("items", hasSize(3))
                .body("items[0].seq", equalTo(1)).body("items[0].id", equalTo(first.toString()))
                .body("items[0].type", equalTo("io.companyagents.company.created"))
                .body("items[0].data.name", equalTo("Acme"))
                .body("items[0].prevHash", equalTo("0".repeat(64)))
                .body("items[1].seq", equalTo(2)).body("items[1].id", equalTo(second.toString()))
                .body("items[2].seq", equalTo(3));
        String firstHash = list.extract().path("items[0].hash");
        assertEquals(firstHash, list.extract().path("items[1].prevHash"));

        given().auth().oauth2(TestTokens.board(company, "viewer")).get("/api/v1/companies/" + company + "/audit/verify")
                .then().statusCode(200).body("ok", equalTo(true)).body("checked", equalTo(3)).body("headSeq", equalTo(3));

        // the canonical stream is republished with each event's place in the chain
        TestKafka.instance().awaitRecords(Topics.AUDIT, r -> r.value().contains(first.toString())
                && r.value().contains("\"auditseq\":1"), 1, Duration.ofSeconds(30));
    }

    @Test
    void aRedeliveryArrivingWithNewEventsAfterItWasStoredAddsOnlyTheNewOnes() {
        UUID company = UUID.randomUUID();
        UUID first = UUID.randomUUID();
        String created = event(first, company, "io.companyagents.company.created", "Acme");
        TestKafka.instance().send(Topics.AGENTS, company.toString(), created);
        await().atMost(Duration.ofSeconds(30)).until(() -> seqs(company).size() == 1);
        double skippedBefore = redelivered();

        // the stored event again, between two new ones, in one burst the consumer polls as one batch or a few
        UUID second = UUID.randomUUID();
        UUID third = UUID.randomUUID();
        TestKafka.instance().send(Topics.AGENTS, company.toString(), event(second, company, "io.companyagents.company.updated", "Acme 2"));
        TestKafka.instance().send(Topics.AGENTS, company.toString(), created);
        TestKafka.instance().send(Topics.AGENTS, company.toString(), event(third, company, "io.companyagents.company.updated", "Acme 3"));
        await().atMost(Duration.ofSeconds(30)).until(() -> seqs(company).size() >= 3 && redelivered() > skippedBefore);
        assertEquals(skippedBefore + 1, redelivered(), "the redelivery reached the trail and was skipped once");

        events(company).body("items", hasSize(3))
                .body("items.id", equalTo(List.of(first.toString(), second.toString(), third.toString())))
                .body("items.seq", equalTo(List.of(1, 2, 3)));
        given().auth().oauth2(TestTokens.board(company, "viewer")).get("/api/v1/companies/" + company + "/audit/verify")
                .then().statusCode(200).body("ok", equalTo(true)).body("checked", equalTo(3)).body("headSeq", equalTo(3));
    }

    private static double redelivered() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString().lines()
                .filter(l -> l.startsWith("company_agents_audit_redelivered_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void keysetPagesWalkTheTrailWithoutGapOrRepeat() {
        UUID company = UUID.randomUUID();
        for (int i = 0; i < 7; i++) {
            TestKafka.instance().send(Topics.TASKS, company.toString(), event(UUID.randomUUID(), company, "io.companyagents.task.created", "t" + i));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> seqs(company).size() == 7);
        String token = TestTokens.board(company, "owner");
        String cursor = null;
        int expected = 1;
        do {
            var req = given().auth().oauth2(token).queryParam("limit", 3);
            if (cursor != null) {
                req.queryParam("cursor", cursor);
            }
            var page = req.get("/api/v1/companies/" + company + "/audit-events").then().statusCode(200).extract();
            List<Integer> seqs = page.path("items.seq");
            for (int seq : seqs) {
                assertEquals(expected++, seq);
            }
            cursor = page.path("nextCursor");
        } while (cursor != null);
        assertEquals(8, expected);
        given().auth().oauth2(token).queryParam("type", "io.companyagents.nothing")
                .get("/api/v1/companies/" + company + "/audit-events").then().body("items", hasSize(0));
    }

    @Test
    void aPoisonEventGoesToTheDeadLetterTopicAndTheChannelKeepsRunning() {
        UUID company = UUID.randomUUID();
        String garbage = "this is not a cloud event " + UUID.randomUUID();
        TestKafka.instance().send(Topics.AGENTS, company.toString(), garbage);
        TestKafka.instance().send(Topics.AGENTS, company.toString(), "{\"type\":\"x\",\"companyid\":\"" + company + "\"}");
        UUID good = UUID.randomUUID();
        TestKafka.instance().send(Topics.AGENTS, company.toString(), event(good, company, "io.companyagents.company.created", "Ok"));
        TestKafka.instance().awaitRecords(Topics.DEAD_LETTER, r -> r.value().equals(garbage), 1, Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(30)).until(() -> seqs(company).size() == 1);
    }

    @Test
    void theStoreRefusesUpdatesAndDeletesAndVerifyFindsATamperedRow() throws Exception {
        UUID company = UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            TestKafka.instance().send(Topics.AGENTS, company.toString(), event(UUID.randomUUID(), company, "io.companyagents.company.updated", "v" + i));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> seqs(company).size() == 3);
        try (Connection c = TestPostgres.instance().connect(); Statement s = c.createStatement()) {
            assertThrows(SQLException.class, () -> s.executeUpdate(
                    "update audit.audit_events set type = 'x' where company_id = '" + company + "'"));
            assertThrows(SQLException.class, () -> s.executeUpdate(
                    "delete from audit.audit_events where company_id = '" + company + "'"));
            // a superuser can get around the guards; the chain still gives the rewrite away
            s.execute("alter table audit.audit_events disable trigger audit_events_no_update");
            try {
                assertEquals(1, s.executeUpdate("update audit.audit_events set data = '{\"name\":\"forged\"}'"
                        + " where company_id = '" + company + "' and seq = 2"));
            } finally {
                s.execute("alter table audit.audit_events enable trigger audit_events_no_update");
            }
        }
        given().auth().oauth2(TestTokens.admin()).get("/api/v1/companies/" + company + "/audit/verify")
                .then().statusCode(200).body("ok", equalTo(false)).body("firstBadSeq", equalTo(2));
    }

    /** Seeds four events, applies one superuser tampering, and returns what verify says. */
    private io.restassured.response.ValidatableResponse tamperAndVerify(String... statements) throws Exception {
        UUID company = UUID.randomUUID();
        for (int i = 0; i < 4; i++) {
            TestKafka.instance().send(Topics.AGENTS, company.toString(), event(UUID.randomUUID(), company, "io.companyagents.company.updated", "v" + i));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> seqs(company).size() == 4);
        try (Connection c = TestPostgres.instance().connect(); Statement s = c.createStatement()) {
            s.execute("alter table audit.audit_events disable trigger audit_events_no_update");
            try {
                for (String sql : statements) {
                    s.execute(sql.replace("$C", company.toString()));
                }
            } finally {
                s.execute("alter table audit.audit_events enable trigger audit_events_no_update");
            }
        }
        return given().auth().oauth2(TestTokens.admin()).get("/api/v1/companies/" + company + "/audit/verify").then().statusCode(200);
    }

    @Test
    void verifyFindsARemovedAnInsertedAndAReorderedRow() throws Exception {
        tamperAndVerify("delete from audit.audit_events where company_id = '$C' and seq = 3")
                .body("ok", equalTo(false)).body("firstBadSeq", equalTo(3));
        tamperAndVerify("update audit.audit_events set seq = -(seq + 1) where company_id = '$C' and seq >= 3",
                "update audit.audit_events set seq = -seq where company_id = '$C' and seq < 0",
                "insert into audit.audit_events (company_id, seq, event_id, type, occurred_at, prev_hash, hash)"
                        + " select company_id, 3, gen_random_uuid(), 'io.companyagents.forged', occurred_at, hash, hash"
                        + " from audit.audit_events where company_id = '$C' and seq = 2")
                .body("ok", equalTo(false)).body("firstBadSeq", equalTo(3));
        // a row slipped in after the head (a chain check covers the rows up to the head it read)
        tamperAndVerify("insert into audit.audit_events (company_id, seq, event_id, type, occurred_at, prev_hash, hash)"
                        + " select company_id, 5, gen_random_uuid(), 'io.companyagents.forged', occurred_at, hash, hash"
                        + " from audit.audit_events where company_id = '$C' and seq = 4")
                .body("ok", equalTo(false)).body("firstBadSeq", equalTo(5));
        tamperAndVerify("update audit.audit_events set seq = -2 where company_id = '$C' and seq = 2",
                "update audit.audit_events set seq = 2 where company_id = '$C' and seq = 3",
                "update audit.audit_events set seq = 3 where company_id = '$C' and seq = -2")
                .body("ok", equalTo(false)).body("firstBadSeq", equalTo(2));
    }

    @Test
    void aChainCheckedWhileItGrowsVerifiesUpToTheHeadItRead() {
        UUID company = UUID.randomUUID();
        int total = 3000;
        Thread producer = new Thread(() -> {
            for (int i = 0; i < total; i++) {
                TestKafka.instance().send(Topics.TASKS, company.toString(), event(UUID.randomUUID(), company, "io.companyagents.task.created", "g" + i));
            }
        }, "growing-chain");
        producer.start();
        int checks = 0;
        int head = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (head < total && System.nanoTime() < deadline) {
            var answer = given().auth().oauth2(TestTokens.admin()).get("/api/v1/companies/" + company + "/audit/verify")
                    .then().statusCode(200).extract();
            int seen = answer.path("headSeq");
            assertEquals(Boolean.TRUE, answer.path("ok"), "check " + checks + " at head " + seen + ": " + answer.asString());
            assertTrue(seen >= head, "the head never goes back");
            head = seen;
            checks++;
        }
        assertEquals(total, head, "every event was appended");
        assertTrue(checks > 1, "the chain was checked while it grew");
    }

    @Test
    void theTrailExportsAsNdjsonAndCsvInSeqOrder() throws Exception {
        UUID company = UUID.randomUUID();
        for (int i = 0; i < 2500; i++) {
            TestKafka.instance().send(Topics.TASKS, company.toString(), event(UUID.randomUUID(), company, "io.companyagents.task.created", "t" + i));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> given().auth().oauth2(TestTokens.admin())
                .get("/api/v1/companies/" + company + "/audit/verify").then().extract().path("headSeq").equals(2500));
        String token = TestTokens.board(company, "viewer");
        String ndjson = given().auth().oauth2(token).get("/api/v1/companies/" + company + "/audit-events/export?format=ndjson")
                .then().statusCode(200).contentType("application/x-ndjson").extract().asString();
        String[] lines = ndjson.split("\n");
        assertEquals(2500, lines.length);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (int i = 0; i < lines.length; i++) {
            assertEquals(i + 1, json.readTree(lines[i]).get("seq").asInt());
        }
        String csv = given().auth().oauth2(token).get("/api/v1/companies/" + company + "/audit-events/export?format=csv&type=io.companyagents.task.created")
                .then().statusCode(200).extract().asString();
        String[] rows = csv.split("\n");
        assertTrue(rows[0].startsWith("seq,id,type,occurredAt"));
        assertEquals(2501, rows.length);
        assertTrue(rows[1].startsWith("1,") && rows[1].contains("\"{\"\"name\"\":\"\"t0\"\""), rows[1]);
        given().auth().oauth2(token).get("/api/v1/companies/" + company + "/audit-events/export?format=xml").then().statusCode(400);
    }

    @jakarta.inject.Inject
    io.vertx.mutiny.sqlclient.Pool pool;

    @Test
    void theServicesOwnConnectionsMayAppendButNeverChangeOrRemoveARow() {
        UUID company = UUID.randomUUID();
        TestKafka.instance().send(Topics.AGENTS, company.toString(), event(UUID.randomUUID(), company, "io.companyagents.company.created", "R"));
        await().atMost(Duration.ofSeconds(30)).until(() -> seqs(company).size() == 1);
        assertEquals("ca_audit_writer", pool.query("select current_user").execute().await().indefinitely().iterator().next().getString(0));
        for (String sql : List.of("update audit_events set type = 'x' where company_id = '" + company + "'",
                "delete from audit_events where company_id = '" + company + "'",
                "truncate audit_events")) {
            Throwable refused = assertThrows(Throwable.class, () -> pool.query(sql).execute().await().indefinitely(), sql);
            assertTrue(refused.getMessage().contains("permission denied"), "refused by privileges, not only the trigger: " + refused.getMessage());
        }
        assertEquals(1, seqs(company).size());
    }

    @Test
    void anotherCompanysTrailIsNotFound() {
        given().auth().oauth2(TestTokens.board(UUID.randomUUID(), "owner"))
                .get("/api/v1/companies/" + UUID.randomUUID() + "/audit-events")
                .then().statusCode(404).body("code", equalTo("not_found"));
        given().get("/api/v1/companies/" + UUID.randomUUID() + "/audit-events").then().statusCode(401);
    }
}
