package io.companyagents.tasks;

import io.companyagents.platform.events.Topics;
import io.companyagents.platform.testing.RuntimeTestResource;
import io.companyagents.platform.testing.TestKafka;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A running tasks-service tells an operator, on /q/metrics, what its queue and its outbox are doing. */
@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class MetricsTest {

    @Test
    void claimsLeaseExpiriesOutboxAndDeadLettersShowOnTheScrape() throws Exception {
        TaskFixtures f = new TaskFixtures();
        UUID agent = UUID.randomUUID();
        double claimsBefore = PrometheusText.parse(scrape()).sum("company_agents_claims_total", Map.of("kind", "work"));
        double expiriesBefore = PrometheusText.parse(scrape()).sum("company_agents_lease_expiries_total", Map.of());

        String task = f.createTask("{\"title\":\"metered\",\"reviewPolicy\":\"none\"}");
        f.asAgent(agent).body(Map.of("agentId", agent.toString(), "leaseSeconds", 5))
                .post(f.base() + "/claims").then().statusCode(200);

        PrometheusText after = PrometheusText.parse(scrape());
        assertTrue(after.sum("company_agents_claims_total", Map.of("kind", "work")) >= claimsBefore + 1, "a claim is counted");
        assertTrue(after.sum("company_agents_claims_total", Map.of("kind", "work", "application", "tasks-service")) >= 1,
                "every meter names its service");
        for (String gauge : new String[] {"company_agents_outbox_backlog", "company_agents_outbox_oldest_unsent_age_seconds",
                "company_agents_tasks_ready", "company_agents_leases_active", "company_agents_leases_overdue",
                // consumer lag, as the Kafka client reports it (bound by Micrometer)
                "kafka_consumer_fetch_manager_records_lag_max"}) {
            assertTrue(after.has(gauge), gauge + " is exposed");
        }

        // The relay publishes what the claim committed: counted per topic and type, with its lag.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            PrometheusText now = PrometheusText.parse(scrape());
            assertTrue(now.sum("company_agents_outbox_published_total", Map.of("topic", Topics.TASKS)) > 0, "published counted");
            assertTrue(now.sum("company_agents_outbox_publish_lag_seconds_count", Map.of("topic", Topics.TASKS)) > 0, "lag recorded");
        });

        // Nobody heartbeats: the reaper ends the lease, and says so.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            PrometheusText now = PrometheusText.parse(scrape());
            assertTrue(now.sum("company_agents_lease_expiries_total", Map.of()) >= expiriesBefore + 1, "expiry counted");
            assertTrue(now.sum("company_agents_lease_reaper_batch_count", Map.of()) > 0, "reaper batch recorded");
        });

        // A poison event on a consumed topic is parked on the dead-letter topic, and the producer's figures show it.
        TestKafka.instance().send(Topics.AGENTS, f.company.toString(), "not a cloud event");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String text = scrape();
            Files.writeString(Path.of("target", "metrics-scrape.txt"), text);
            assertTrue(PrometheusText.parse(text).sum("company_agents_dead_letters_total", Map.of()) > 0, "dead letter counted");
        });
    }

    static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }
}
