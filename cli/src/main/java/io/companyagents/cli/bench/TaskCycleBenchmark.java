package io.companyagents.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives the full work cycle — claim, start, finish — through the gateway with N simulated
 * agents, each with its own agent key, and prints cycles per second and p50/p99 latency per
 * call. Leases, runs, the outbox and the audit trail are all in the path. Run it against a
 * system started with {@code company-agents up}.
 */
@Command(name = "tasks", description = "Benchmark claim → start → finish through the gateway.")
public class TaskCycleBenchmark implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--url", description = "Gateway URL.", defaultValue = "http://127.0.0.1:8080")
    String url;

    @Option(names = "--key", description = "Admin API key (default: the instance's admin.key).")
    String key;

    @Option(names = "--key-file", description = "File holding the admin key.",
            defaultValue = "${sys:user.home}/.company-agents/instances/default/admin.key")
    Path keyFile;

    @Option(names = "--agents", description = "Concurrent simulated agents.", defaultValue = "8")
    int agents;

    @Option(names = "--tasks", description = "Tasks created up front.", defaultValue = "3000")
    int tasks;

    @Option(names = "--duration", description = "Seconds to measure.", defaultValue = "20")
    int seconds;

    @Option(names = "--warmup", description = "Seconds of warm-up before measuring.", defaultValue = "5")
    int warmup;

    private HttpClient http;
    private String base;

    @Override
    public Integer call() throws Exception {
        String admin = key != null ? key : Files.readString(keyFile).trim();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        JsonNode company = post(admin, "/api/v1/companies", Map.of("name", "Bench " + UUID.randomUUID().toString().substring(0, 8)), 201);
        String companyId = company.get("id").asText();
        base = "/api/v1/companies/" + companyId;
        System.err.printf("company %s: creating %d tasks and %d agent keys%n", companyId, tasks, agents);
        List<String> agentKeys = new ArrayList<>();
        List<UUID> agentIds = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            UUID agent = UUID.randomUUID();
            agentIds.add(agent);
            agentKeys.add(post(admin, base + "/agents/" + agent + "/keys", Map.of("name", "bench-" + i), 201).get("key").asText());
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(agents, 16));
        try {
            List<Future<?>> creates = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                int n = i;
                creates.add(pool.submit(() -> post(admin, base + "/tasks",
                        Map.of("title", "bench task " + n, "reviewPolicy", "none", "priority", n % 4), 201)));
            }
            for (Future<?> f : creates) {
                f.get();
            }
            Path runFile = keyFile.toAbsolutePath().getParent().resolve("run.json");
            CpuMeter meter = CpuMeter.forInstance(runFile);
            Optional<DbMeter> db = DbMeter.forInstance(runFile);
            System.err.println("waiting for the system to settle after setup");
            meter.awaitQuiet(120);
            System.err.printf("running %d agents: %ds warm-up, then %ds measured%n", agents, warmup, seconds);
            Histogram claim = histogram();
            Histogram start = histogram();
            Histogram finish = histogram();
            AtomicLong cycles = new AtomicLong();
            AtomicLong errors = new AtomicLong();
            long warmEnd = System.nanoTime() + Duration.ofSeconds(warmup).toNanos();
            long end = warmEnd + Duration.ofSeconds(seconds).toNanos();
            var cpu = new java.util.concurrent.ConcurrentHashMap<String, Map<String, CpuMeter.Cpu>>();
            var counts = new java.util.concurrent.ConcurrentHashMap<String, DbMeter.Snapshot>();
            var host = new java.util.concurrent.ConcurrentHashMap<String, HostMeter.Ticks>();
            Thread sampler = new Thread(() -> {
                try {
                    Thread.sleep(Math.max(0, (warmEnd - System.nanoTime()) / 1_000_000));
                    cpu.put("before", meter.snapshot());
                    HostMeter.snapshot().ifPresent(t -> host.put("before", t));
                    db.ifPresent(d -> counts.put("before", d.snapshot()));
                    try {
                        Thread.sleep(Math.max(0, (end - System.nanoTime()) / 1_000_000));
                    } catch (InterruptedException e) {
                        // the pool ran dry: the window ends now
                    }
                    cpu.put("after", meter.snapshot());
                    HostMeter.snapshot().ifPresent(t -> host.put("after", t));
                    db.ifPresent(d -> counts.put("after", d.snapshot()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "cpu-sampler");
            sampler.setDaemon(true);
            sampler.start();
            AgentLoad.Results results = new AgentLoad.Results(claim, start, finish, cycles, errors,
                    new java.util.concurrent.atomic.AtomicReference<>(), new AtomicLong());
            try (AgentLoad load = new AgentLoad(url, base, agents)) {
                load.run(agentKeys, agentIds, warmEnd, end, results);
            }
            if (results.firstError().get() != null) {
                System.err.println("first error: " + results.firstError().get());
            }
            long dryAt = results.dryAtNanos().get();
            boolean ranDry = dryAt != 0 && dryAt < end;
            // a pool that ran dry ends the work early: the rate is over the part of the window that had work
            double worked = ranDry ? Math.max(0, dryAt - warmEnd) / 1e9 : seconds;
            double rate = worked > 0 ? cycles.get() / worked : 0;
            System.out.printf("agents=%d  cycles=%d in %.0fs  => %.0f cycles/s  (errors %d)%n", agents, cycles.get(), worked, rate, errors.get());
            print("claim ", claim);
            print("start ", start);
            print("finish", finish);
            if (ranDry) {
                System.out.printf("note: the task pool ran dry %.0f s %s the measured window, which ends there;"
                                + " raise --tasks (the warm-up's cycles and the window's) for a full window%n",
                        Math.abs(dryAt - warmEnd) / 1e9, dryAt < warmEnd ? "before" : "into");
                sampler.interrupt();
            }
            sampler.join(30_000);
            if (cpu.containsKey("after")) {
                CpuMeter.print(cpu.get("before"), cpu.get("after"), cycles.get(), "cycle");
            }
            if (host.containsKey("before") && host.containsKey("after")) {
                System.out.print(HostMeter.describe(host.get("before"), host.get("after")));
            }
            if (counts.containsKey("after")) {
                DbMeter.print(counts.get("before"), counts.get("after"), cycles.get(), "cycle");
            }
            db.ifPresent(DbMeter::close);
            return errors.get() == 0 ? 0 : 1;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Histogram histogram() {
        return new org.HdrHistogram.ConcurrentHistogram(60_000_000L, 3);
    }

    private static void print(String name, Histogram h) {
        System.out.printf("  %s p50 %6.2f ms   p99 %6.2f ms   max %7.2f ms   n=%d%n", name,
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0,
                h.getTotalCount());
    }

    private JsonNode post(String key, String path, Object body, int expected) {
        return check(send(key, "POST", path, body), expected);
    }

    private HttpResponse<String> send(String key, String method, String path, Object body) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url + path))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .timeout(Duration.ofSeconds(30)).build();
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode check(HttpResponse<String> response, int expected) {
        if (response.statusCode() != expected) {
            throw new IllegalStateException(response.request().method() + " " + response.request().uri().getPath()
                    + " answered " + response.statusCode() + ": " + response.body());
        }
        try {
            return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
