package io.companyagents.audit;

import io.companyagents.audit.domain.CheckpointSigner;
import io.companyagents.platform.events.Topics;
import io.companyagents.platform.testing.RuntimeTestResource;
import io.companyagents.platform.testing.TestKafka;
import io.companyagents.platform.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class AuditStreamTest {

    @TestHTTPResource("/")
    URL root;

    private static String event(UUID company, int n) {
        return """
                {"specversion":"1.0","id":"%s","source":"/tasks-service","type":"io.companyagents.task.created",
                 "time":"2026-11-22T10:15:30Z","companyid":"%s","actortype":"admin","actorid":"k","subjecttype":"task",
                 "subjectid":"t%d","data":{"n":%d}}""".formatted(UUID.randomUUID(), company, n, n);
    }

    /** Reads up to {@code max} events from the stream after {@code lastId}, then drops the connection. */
    private List<Long> readSome(HttpClient http, UUID company, String token, long lastId, int max) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(root + "api/v1/companies/" + company + "/audit-events/stream"))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream")
                .header("Last-Event-ID", Long.toString(lastId)).build();
        HttpResponse<java.io.InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        List<Long> seen = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            String line;
            while (seen.size() < max && System.nanoTime() < deadline && (line = reader.readLine()) != null) {
                if (line.startsWith("id:")) {
                    seen.add(Long.parseLong(line.substring(3).trim()));
                }
            }
        }
        return seen;
    }

    @Test
    void aSubscriberThatIsCutOffTwentyTimesMissesAndRepeatsNothing() throws Exception {
        UUID company = UUID.randomUUID();
        String token = TestTokens.board(company, "viewer");
        int total = 400;
        ExecutorService producer = Executors.newSingleThreadExecutor();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            Future<?> producing = producer.submit(() -> {
                for (int i = 0; i < total; i++) {
                    TestKafka.instance().send(Topics.TASKS, company.toString(), event(company, i));
                }
            });
            List<Long> received = new ArrayList<>();
            long last = 0;
            for (int disconnect = 0; disconnect < 20; disconnect++) {
                List<Long> batch = readSome(http, company, token, last, 10);
                received.addAll(batch);
                if (!batch.isEmpty()) {
                    last = batch.get(batch.size() - 1);
                }
            }
            producing.get();
            while (received.size() < total) {
                List<Long> batch = readSome(http, company, token, last, total - received.size());
                assertTrue(!batch.isEmpty(), "the stream keeps delivering after reconnects");
                received.addAll(batch);
                last = batch.get(batch.size() - 1);
            }
            for (int i = 0; i < total; i++) {
                assertEquals(i + 1, received.get(i), "seq " + (i + 1) + " exactly once, in order");
            }
        } finally {
            producer.shutdownNow();
        }
    }

    /** The relay's count of events published on ca.audit.v1 taken from {@code read} (memory or database). */
    private static double published(String read) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("company_agents_audit_stream_published_total{")
                        && l.contains("read=\"" + read + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /**
     * What the appender has just committed is published as it was written, without the relay reading
     * the trail back: with the broker up, every event of a steady flow goes out from memory.
     */
    @Test
    void justAppendedEventsArePublishedWithoutReadingTheTrailBack() throws Exception {
        UUID company = UUID.randomUUID();
        int n = 50;
        double memoryBefore = published("memory");
        double readBefore = published("database");
        for (int i = 0; i < n; i++) {
            TestKafka.instance().send(Topics.TASKS, company.toString(), event(company, i));
            if (i % 10 == 9) {
                Thread.sleep(100); // several polled batches, not one
            }
        }
        var records = TestKafka.instance().awaitRecords(Topics.AUDIT, r -> company.toString().equals(r.key()), n,
                Duration.ofSeconds(60));
        assertEquals(n, records.size());
        await().atMost(Duration.ofSeconds(10)).until(() -> published("memory") - memoryBefore >= n);
        assertEquals(n, published("memory") - memoryBefore, 0.0, "each event published once, from memory");
        assertEquals(readBefore, published("database"), 0.0, "no event read back from the trail");
    }

    /**
     * ca.audit.v1 carries each company's chain once, in seq order, each event with its data and
     * its place in the chain as stored, even when the events arrive in many batches and two
     * companies' appends interleave.
     */
    @Test
    void theAuditTopicCarriesEachChainOnceInSeqOrderWithItsHashes() throws Exception {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        int n = 60;
        for (int i = 0; i < n; i++) {
            TestKafka.instance().send(Topics.TASKS, a.toString(), event(a, i));
            TestKafka.instance().send(Topics.AGENTS, b.toString(), event(b, i));
        }
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (UUID company : List.of(a, b)) {
            var records = TestKafka.instance().awaitRecords(Topics.AUDIT, r -> company.toString().equals(r.key()), n,
                    Duration.ofSeconds(60));
            String token = TestTokens.board(company, "viewer");
            List<Map<String, Object>> stored = given().auth().oauth2(token).queryParam("limit", 200)
                    .get("/api/v1/companies/" + company + "/audit-events").then().statusCode(200).extract().path("items");
            assertEquals(n, stored.size());
            // give a duplicate, if any were published, the time to show up
            Thread.sleep(1000);
            records = TestKafka.instance().awaitRecords(Topics.AUDIT, r -> company.toString().equals(r.key()), n,
                    Duration.ofSeconds(10));
            assertEquals(n, records.size(), "each event once on the stream");
            for (int i = 0; i < n; i++) {
                var ce = json.readTree(records.get(i).value());
                Map<String, Object> row = stored.get(i);
                assertEquals(i + 1, ce.get("auditseq").asInt(), "in seq order");
                assertEquals(row.get("id"), ce.get("id").asText());
                assertEquals(row.get("hash"), ce.get("audithash").asText());
                assertEquals(row.get("prevHash"), ce.get("auditprevhash").asText());
                assertEquals(company.toString(), ce.get("companyid").asText());
                assertEquals("io.companyagents.task.created", ce.get("type").asText());
                assertEquals("/tasks-service", ce.get("source").asText());
                assertEquals("2026-11-22T10:15:30Z", ce.get("time").asText());
                assertEquals(((Map<?, ?>) row.get("data")).get("n"), ce.get("data").get("n").asInt());
            }
        }
    }

    @Test
    void aCheckpointIsASignedHeadAnyoneCanCheck() {
        UUID company = UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            TestKafka.instance().send(Topics.TASKS, company.toString(), event(company, i));
        }
        String token = TestTokens.board(company, "owner");
        await().atMost(Duration.ofSeconds(30)).until(() -> given().auth().oauth2(token)
                .get("/api/v1/companies/" + company + "/audit-events").then().extract().path("items.size()").equals(3));
        Map<String, Object> cp = given().auth().oauth2(token).get("/api/v1/companies/" + company + "/audit/checkpoints/latest")
                .then().statusCode(200).extract().path("$");
        assertEquals(3, cp.get("seq"));
        String head = given().auth().oauth2(token).get("/api/v1/companies/" + company + "/audit/verify").then().extract().path("headHash");
        assertEquals(head, cp.get("hash"));
        OffsetDateTime signedAt = OffsetDateTime.parse((String) cp.get("signedAt"));
        assertTrue(CheckpointSigner.verify((String) cp.get("publicKey"), company, 3, head, signedAt, (String) cp.get("signature")));
        assertTrue(!CheckpointSigner.verify((String) cp.get("publicKey"), company, 3, "f".repeat(64), signedAt, (String) cp.get("signature")),
                "a different head does not carry the signature");
        given().auth().oauth2(TestTokens.board(UUID.randomUUID(), "owner"))
                .get("/api/v1/companies/" + company + "/audit/checkpoints/latest").then().statusCode(404);
    }
}
