package io.companyagents.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.companyagents.platform.events.KafkaSend;
import io.companyagents.platform.events.Topics;
import io.companyagents.platform.testing.RuntimeTestResource;
import io.companyagents.platform.testing.TestKafka;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A claim on a quiet queue is one statement that also writes its events: lease.granted,
 * run.started and task.status_changed carry the claimed task's own values, in that order.
 */
@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class ClaimEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aClaimSaysSoWithTheClaimedTasksValues() throws Exception {
        TaskFixtures f = new TaskFixtures();
        UUID agent = UUID.randomUUID();
        String task = f.createTask("claimed alone", "qa");
        Response claim = f.asAgent(agent).body(Map.of("agentId", agent.toString(), "leaseSeconds", 120))
                .post(f.base() + "/claims").then().statusCode(200).extract().response();
        assertEquals(task, claim.path("task.id"));
        String lease = claim.path("lease.id");
        String run = claim.path("run.id");
        long epoch = claim.<Integer>path("lease.leaseEpoch");
        OffsetDateTime expires = OffsetDateTime.parse(claim.path("lease.expiresAt"));
        Map<String, Object> claimed = f.task(task);

        List<ConsumerRecord<String, String>> records = TestKafka.instance().awaitRecords(Topics.TASKS,
                r -> r.value().contains(f.company.toString()) && (r.value().contains("io.companyagents.lease.granted")
                        || r.value().contains("io.companyagents.run.started") || r.value().contains("\"to\":\"claimed\"")),
                3, Duration.ofSeconds(30));
        assertEquals(List.of("io.companyagents.lease.granted", "io.companyagents.run.started", "io.companyagents.task.status_changed"),
                records.stream().map(r -> r.value().replaceAll(".*\"type\":\"([^\"]+)\".*", "$1")).toList(), "in order");
        for (ConsumerRecord<String, String> r : records) {
            assertFalse(r.value().contains(":identifier\"") || r.value().contains(":from\"") || r.value().contains(":-1"),
                    "no placeholder left: " + r.value());
            assertEquals(r.value().replaceAll(".*\"type\":\"([^\"]+)\".*", "$1"), KafkaSend.typeHeader(r),
                    "the record's type header names the body's type");
        }

        JsonNode granted = JSON.readTree(records.get(0).value());
        assertEquals("lease/" + lease, granted.path("subject").asText());
        JsonNode g = granted.path("data");
        assertEquals(lease, g.path("leaseId").asText());
        assertEquals(task, g.path("taskId").asText());
        assertEquals(agent.toString(), g.path("agentId").asText());
        assertEquals(run, g.path("runId").asText());
        assertEquals(epoch, g.path("leaseEpoch").asLong());
        assertEquals("work", g.path("kind").asText());
        assertEquals(expires.toInstant(), OffsetDateTime.parse(g.path("expiresAt").asText()).toInstant(), "the lease's own expiry");
        assertEquals((String) claim.path("lease.expiresAt"), g.path("expiresAt").asText(), "written as the service writes instants");

        JsonNode started = JSON.readTree(records.get(1).value());
        assertEquals("run/" + run, started.path("subject").asText());
        assertEquals(task, started.path("data").path("taskId").asText());
        assertEquals(lease, started.path("data").path("leaseId").asText());
        assertEquals(epoch, started.path("data").path("leaseEpoch").asLong());

        JsonNode status = JSON.readTree(records.get(2).value());
        assertEquals("task/" + task, status.path("subject").asText());
        assertEquals(task, status.path("subjectid").asText());
        JsonNode s = status.path("data");
        assertEquals(task, s.path("id").asText());
        assertEquals(claimed.get("identifier"), s.path("identifier").asText());
        assertEquals("pending", s.path("from").asText());
        assertEquals("claimed", s.path("to").asText());
        assertEquals("claim", s.path("action").asText());
        assertEquals(epoch, s.path("leaseEpoch").asLong());
        assertEquals(((Number) claimed.get("attempts")).intValue(), s.path("attempts").asInt());
        assertEquals(((Number) claimed.get("version")).longValue(), s.path("version").asLong());
        assertEquals(agent.toString(), status.path("actorid").asText());
    }
}
