package io.companyagents.cli;

import io.companyagents.cli.testing.TestSupport;
import io.companyagents.cli.up.LaunchConfig;
import io.companyagents.cli.up.RunningSystem;
import io.companyagents.cli.up.SystemLauncher;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole system started the way {@code company-agents up} starts it — embedded PostgreSQL
 * 16, a Kafka KRaft child process, five services and the gateway as packaged apps — driven
 * through the gateway only.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SystemEndToEndIT {

    private static final TestSupport RESOURCES = new TestSupport();
    private static RunningSystem system;
    private static String admin;

    @BeforeAll
    static void up() {
        Path home = Path.of(System.getProperty("company-agents.test.home", "..")).toAbsolutePath().normalize();
        LaunchConfig config = TestSupport.config(TestSupport.workDir("e2e"), home).withReadyTimeout(Duration.ofSeconds(240));
        system = RESOURCES.register(new SystemLauncher(config, TestSupport.reporter("e2e")).launch());
        admin = system.adminKey();
        RestAssured.baseURI = system.gatewayUrl();
        RestAssured.port = -1;
    }

    @AfterAll
    static void down() throws Exception {
        RESOURCES.close();
        assertTrue(system.isClosed());
        for (String name : List.of("gateway", "agents", "tasks", "ledger", "audit", "secrets")) {
            assertFalse(system.isAlive(name), name + " stopped");
        }
    }

    private static RequestSpecification asAdmin() {
        return given().auth().oauth2(admin).contentType(ContentType.JSON);
    }

    private static String createCompany(String name) {
        return asAdmin().body(Map.of("name", name)).post("/api/v1/companies").then().statusCode(201).extract().path("id");
    }

    private static List<Object> audit(String company) {
        return asAdmin().queryParam("limit", 200).get("/api/v1/companies/" + company + "/audit-events")
                .then().statusCode(200).extract().path("items.type");
    }

    @Test
    @Order(1)
    void theAdminKeyWasCreatedOnFirstStartAndSaysWhoItIs() {
        assertTrue(system.adminKeyCreated());
        assertTrue(admin.startsWith("ca_admin_"));
        asAdmin().get("/api/v1/me").then().statusCode(200).body("actorType", equalTo("admin"))
                .header("X-Request-Id", notNullValue());
        given().get("/api/v1/me").then().statusCode(401).contentType("application/problem+json");
        given().get("/q/openapi").then().statusCode(200).body("paths.keySet()", hasItem("/api/v1/companies/{companyId}/tasks"));
    }

    @Test
    @Order(2)
    void aCreatedCompanyReachesTheAuditTrailThroughTheOutboxAndKafka() {
        String company = createCompany("Acme Robotics");
        asAdmin().get("/api/v1/companies/" + company).then().statusCode(200).body("slug", equalTo("acme-robotics"));
        asAdmin().get("/api/v1/companies?limit=200").then().statusCode(200).body("items.id", hasItem(company));
        await().atMost(Duration.ofSeconds(60)).until(() -> audit(company).contains("io.companyagents.company.created"));
        asAdmin().body("{\"name\": ").post("/api/v1/companies").then().statusCode(400).body("code", equalTo("malformed_json"));
        asAdmin().body("{\"name\":\"x\",\"extra\":true}").post("/api/v1/companies").then().statusCode(400)
                .body("code", equalTo("validation_failed")).body("errors[0].field", equalTo("extra"));
        asAdmin().body("{}").post("/api/v1/companies").then().statusCode(400).body("errors.field", hasItem("name"));
        given().contentType(ContentType.JSON).body("{\"name\":\"nope\"}").post("/api/v1/companies").then().statusCode(401);
    }

    @Test
    @Order(3)
    void aDuplicateDeliveryIsStoredOnce() throws Exception {
        String company = createCompany("Twice Delivered");
        await().atMost(Duration.ofSeconds(60)).until(() -> audit(company).size() == 1);
        ConsumerRecord<String, String> original = findRecord("ca.agents.v1", company);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, system.kafkaBootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
            for (int i = 0; i < 3; i++) {
                ProducerRecord<String, String> again = new ProducerRecord<>("ca.agents.v1", original.key(), original.value());
                for (Header h : original.headers()) {
                    again.headers().add(h);
                }
                producer.send(again).get(30, TimeUnit.SECONDS);
            }
            // a marker on the same key (so the same partition) after the duplicates: once it is in the
            // trail, the duplicates before it have been consumed
            String marker = """
                    {"specversion":"1.0","id":"%s","source":"/e2e","type":"io.companyagents.e2e.marker","time":"2026-11-22T00:00:00Z",
                     "companyid":"%s","actortype":"system","actorid":"e2e","subjecttype":"company","subjectid":"%s","data":{}}"""
                    .formatted(UUID.randomUUID(), company, company);
            producer.send(new ProducerRecord<>("ca.agents.v1", original.key(), marker)).get(30, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> audit(company).size() >= 2);
        assertEquals(List.of("io.companyagents.company.created", "io.companyagents.e2e.marker"), audit(company));
        asAdmin().get("/api/v1/companies/" + company + "/audit/verify").then().statusCode(200)
                .body("ok", equalTo(true)).body("headSeq", equalTo(2));
    }

    @Test
    @Order(4)
    void auditServiceRestartedWhileEventsFlowLosesNothing() throws Exception {
        List<String> companies = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            companies.add(createCompany("Before restart " + i));
        }
        system.stop("audit");
        assertFalse(system.isAlive("audit"));
        for (int i = 0; i < 20; i++) {
            companies.add(createCompany("During outage " + i));
        }
        // the gateway answers for the stopped service with a clean 503
        asAdmin().get("/api/v1/companies/" + companies.get(0) + "/audit-events").then().statusCode(503)
                .body("code", equalTo("service_unavailable"));
        system.start("audit");
        for (int i = 0; i < 10; i++) {
            companies.add(createCompany("After restart " + i));
        }
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            for (String company : companies) {
                assertEquals(List.of("io.companyagents.company.created"), audit(company), "company " + company);
            }
        });
    }

    @Test
    @Order(5)
    void anAgentWorksATaskThroughTheGatewayAndEveryStepIsAudited() {
        String company = createCompany("Work Co");
        UUID agent = UUID.randomUUID();
        String agentKey = asAdmin().body("{}").post("/api/v1/companies/" + company + "/agents/" + agent + "/keys")
                .then().statusCode(201).extract().path("key");
        String task = asAdmin().body(Map.of("title", "Write the README", "reviewPolicy", "none"))
                .post("/api/v1/companies/" + company + "/tasks").then().statusCode(201).extract().path("id");
        RequestSpecification asAgent = given().auth().oauth2(agentKey).contentType(ContentType.JSON);
        var claim = asAgent.body(Map.of("agentId", agent.toString(), "leaseSeconds", 60))
                .post("/api/v1/companies/" + company + "/claims").then().statusCode(200).extract();
        long epoch = ((Number) claim.path("lease.leaseEpoch")).longValue();
        String run = claim.path("run.id");
        given().auth().oauth2(agentKey).contentType(ContentType.JSON).body(Map.of("leaseEpoch", epoch))
                .post("/api/v1/companies/" + company + "/tasks/" + task + "/actions/start").then().statusCode(200);
        given().auth().oauth2(agentKey).contentType(ContentType.JSON).body(Map.of("leaseEpoch", epoch, "outcome", "succeeded",
                        "usage", Map.of("provider", "anthropic", "model", "claude-sonnet-4", "inputTokens", 1000, "outputTokens", 100)))
                .post("/api/v1/companies/" + company + "/runs/" + run + "/finish").then().statusCode(200);
        asAdmin().get("/api/v1/companies/" + company + "/tasks/" + task).then().statusCode(200).body("status", equalTo("completed"));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<Object> types = audit(company);
            assertTrue(types.contains("io.companyagents.task.created"), types.toString());
            assertTrue(types.contains("io.companyagents.lease.granted"), types.toString());
            assertTrue(types.contains("io.companyagents.run.finished"), types.toString());
            assertTrue(types.contains("io.companyagents.task.status_changed"), types.toString());
        });
        asAdmin().get("/api/v1/companies/" + company + "/audit/verify").then().statusCode(200).body("ok", equalTo(true));
    }

    /**
     * Generated from the merged OpenAPI document: every documented endpoint refuses a missing
     * or garbled key (401), another company's key (404; 403 for creating a company), a viewer
     * key on a write (403) and an agent key on an admin operation (403).
     */
    @Test
    @Order(6)
    void everyDocumentedEndpointEnforcesKeysTenancyAndRoles() {
        String mine = createCompany("Matrix Mine");
        String theirs = createCompany("Matrix Theirs");
        String owner = boardKey(mine, "owner");
        String viewer = boardKey(mine, "viewer");
        String agentKey = asAdmin().body("{}").post("/api/v1/companies/" + mine + "/agents/" + UUID.randomUUID() + "/keys")
                .then().statusCode(201).extract().path("key");
        Map<String, Map<String, Object>> paths = given().get("/q/openapi").then().statusCode(200).extract().path("paths");
        int checked = 0;
        for (var entry : paths.entrySet()) {
            String template = entry.getKey();
            if (!template.startsWith("/api/v1/") || template.endsWith("/stream")) {
                continue;
            }
            for (String method : entry.getValue().keySet()) {
                String m = method.toUpperCase();
                if (!List.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(m)) {
                    continue;
                }
                boolean write = !m.equals("GET");
                String inMine = fill(template, mine);
                String inTheirs = fill(template, theirs);
                String what = m + " " + template;
                assertEquals(401, given().contentType(ContentType.JSON).body("{}").request(m, inMine).statusCode(), what + " without a key");
                assertEquals(401, given().auth().oauth2("ca_board_garbled").contentType(ContentType.JSON).body("{}")
                        .request(m, inMine).statusCode(), what + " with a garbled key");
                if (template.contains("{companyId}")) {
                    assertEquals(404, given().auth().oauth2(owner).contentType(ContentType.JSON).body("{}")
                            .request(m, inTheirs).statusCode(), what + " with another company's key");
                    if (write) {
                        assertEquals(403, given().auth().oauth2(viewer).contentType(ContentType.JSON).body("{}")
                                .request(m, inMine).statusCode(), what + " with a viewer key");
                    }
                }
                if (template.startsWith("/api/v1/admin/") || (template.equals("/api/v1/keys") && write)) {
                    assertEquals(403, given().auth().oauth2(agentKey).contentType(ContentType.JSON).body("{}")
                            .request(m, inMine).statusCode(), what + " with an agent key");
                    assertEquals(403, given().auth().oauth2(owner).contentType(ContentType.JSON).body("{}")
                            .request(m, inMine).statusCode(), what + " with a board key");
                }
                checked++;
            }
        }
        assertEquals(403, given().auth().oauth2(owner).contentType(ContentType.JSON).body("{\"name\":\"x\"}")
                .post("/api/v1/companies").statusCode(), "only the admin creates companies");
        assertTrue(checked > 60, "the matrix covered " + checked + " endpoints");
        // mass assignment: read-only fields in a body are refused and change nothing
        String etag = asAdmin().get("/api/v1/companies/" + mine).then().extract().header("ETag");
        asAdmin().header("If-Match", etag).body(Map.of("id", theirs)).patch("/api/v1/companies/" + mine).then().statusCode(400);
        asAdmin().header("If-Match", etag).body(Map.of("createdAt", "2020-01-01T00:00:00Z")).patch("/api/v1/companies/" + mine).then().statusCode(400);
        asAdmin().get("/api/v1/companies/" + mine).then().header("ETag", etag).body("id", equalTo(mine));
        // a revoked key stops working
        String keyId = asAdmin().get("/api/v1/companies/" + mine + "/keys").then().extract().path("items.find { it.role == 'viewer' }.id");
        asAdmin().delete("/api/v1/keys/" + keyId).then().statusCode(204);
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                given().auth().oauth2(viewer).get("/api/v1/me").then().statusCode(401));
    }

    private static String boardKey(String company, String role) {
        return asAdmin().body(Map.of("kind", "board", "companyId", company, "role", role)).post("/api/v1/keys")
                .then().statusCode(201).extract().path("key");
    }

    private static String fill(String template, String company) {
        String path = template.replace("{companyId}", company);
        return path.replaceAll("\\{[^}]+}", UUID.randomUUID().toString());
    }

    private ConsumerRecord<String, String> findRecord(String topic, String company) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, system.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "e2e-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (company.equals(r.key())) {
                        return r;
                    }
                }
            }
        }
        throw new AssertionError("no record for " + company + " on " + topic);
    }
}
