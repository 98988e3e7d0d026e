package io.companyagents.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * Measures the audit trail: ingest rate (events/s from Kafka into the chained table) by
 * publishing a burst of CloudEvents straight to a domain topic and timing until the last one
 * is in the trail, and end-to-end lag (a domain change committed → visible in the audit API)
 * by creating companies through the gateway and polling for their audit event.
 */
@Command(name = "audit", description = "Benchmark audit ingest rate and commit-to-visible lag.")
public class AuditIngestBenchmark implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "Gateway URL.")
    String url;

    @Option(names = "--kafka", defaultValue = "127.0.0.1:19092", description = "Kafka bootstrap servers.")
    String kafka;

    @Option(names = "--key-file", defaultValue = "${sys:user.home}/.company-agents/instances/default/admin.key",
            description = "File holding the admin key.")
    Path keyFile;

    @Option(names = "--events", defaultValue = "50000", description = "Events in the ingest burst.")
    int events;

    @Option(names = "--companies", defaultValue = "20", description = "Companies the burst is spread over.")
    int companies;

    @Option(names = "--lag-samples", defaultValue = "200", description = "Companies created to sample the lag.")
    int lagSamples;

    private HttpClient http;
    private String key;

    @Override
    public Integer call() throws Exception {
        key = Files.readString(keyFile).trim();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<UUID> tenants = new ArrayList<>();
        for (int i = 0; i < companies; i++) {
            tenants.add(UUID.randomUUID());
        }
        System.err.printf("publishing %d events over %d companies%n", events, companies);
        long start;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka, ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
            start = System.nanoTime();
            for (int i = 0; i < events; i++) {
                UUID company = tenants.get(i % companies);
                String event = """
                        {"specversion":"1.0","id":"%s","source":"/bench","type":"io.companyagents.bench.event","time":"%s",
                         "companyid":"%s","actortype":"system","actorid":"bench","subjecttype":"bench","subjectid":"%d","data":{"n":%d}}"""
                        .formatted(UUID.randomUUID(), Instant.now(), company, i, i);
                ProducerRecord<String, String> record = new ProducerRecord<>("ca.tasks.v1", company.toString(), event);
                record.headers().add("content-type", "application/cloudevents+json".getBytes(StandardCharsets.UTF_8));
                producer.send(record);
            }
            producer.flush();
        }
        int perCompany = events / companies;
        for (UUID company : tenants) {
            while (!reached(company, perCompany)) {
                Thread.sleep(50);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("ingest: %d events in %.1f s => %.0f events/s into the chained trail%n", events, seconds, events / seconds);

        Histogram lag = new ConcurrentHistogram(60_000_000L, 3);
        for (int i = 0; i < lagSamples; i++) {
            long t0 = System.nanoTime();
            JsonNode company = send("POST", "/api/v1/companies", Map.of("name", "Lag " + i + " " + UUID.randomUUID().toString().substring(0, 6)));
            String id = company.get("id").asText();
            while (send("GET", "/api/v1/companies/" + id + "/audit-events", null).path("items").isEmpty()) {
                Thread.sleep(2);
            }
            lag.recordValue((System.nanoTime() - t0) / 1000);
        }
        System.out.printf("commit -> visible in the audit API (includes the create call): p50 %.1f ms  p99 %.1f ms  max %.1f ms  (n=%d)%n",
                lag.getValueAtPercentile(50) / 1000.0, lag.getValueAtPercentile(99) / 1000.0, lag.getMaxValue() / 1000.0,
                lag.getTotalCount());
        return 0;
    }

    /** Whether the company's trail holds seq {@code n} (a page after seq n-1 is not empty). */
    private boolean reached(UUID company, long n) throws Exception {
        String cursor = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(Long.toString(n - 1).getBytes(StandardCharsets.UTF_8));
        return !send("GET", "/api/v1/companies/" + company + "/audit-events?limit=1&cursor=" + cursor, null)
                .path("items").isEmpty();
    }

    private JsonNode send(String method, String path, Object body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", "Bearer " + key)
                .timeout(Duration.ofSeconds(30));
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 404) {
            return JSON.createObjectNode();
        }
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " → " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }
}
