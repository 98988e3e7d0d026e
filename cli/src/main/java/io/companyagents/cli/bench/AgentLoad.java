package io.companyagents.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The benchmark's simulated agents: each runs claim → start → finish in a loop over a
 * keep-alive connection, all of them driven by one Vert.x event loop so the load generator
 * takes as little of the machine's CPU as it can (it shares the cores with the system it
 * measures).
 */
final class AgentLoad implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USAGE_BODY;

    static {
        try {
            USAGE_BODY = JSON.writeValueAsString(Map.of("provider", "anthropic", "model", "claude-sonnet-4",
                    "inputTokens", 1200, "outputTokens", 300));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Latencies per call and counts, recorded for cycles that start after the warm-up and end before the end. */
    /** The figures; {@code dryAtNanos} is when an agent first found nothing left to claim (0 if none did). */
    record Results(Histogram claim, Histogram start, Histogram finish, AtomicLong cycles, AtomicLong errors,
            AtomicReference<String> firstError, AtomicLong dryAtNanos) {
    }

    private final Vertx vertx;
    private final HttpClient client;
    private final String base;

    AgentLoad(String gatewayUrl, String basePath, int agents) {
        URI uri = URI.create(gatewayUrl);
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        this.client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(uri.getHost())
                .setDefaultPort(uri.getPort() < 0 ? 80 : uri.getPort()).setKeepAlive(true).setConnectTimeout(5_000)
                .setIdleTimeout(30).setIdleTimeoutUnit(TimeUnit.SECONDS), new PoolOptions().setHttp1MaxSize(agents));
        this.base = basePath;
    }

    /** Runs every agent until {@code endNanos} (or until nothing is left to claim) and answers the figures. */
    Results run(List<String> keys, List<UUID> agentIds, long warmEndNanos, long endNanos, Results results) throws Exception {
        List<Future<Void>> done = new java.util.ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            Promise<Void> finished = Promise.promise();
            String key = keys.get(i);
            String claimBody = JSON.writeValueAsString(Map.of("agentId", agentIds.get(i).toString(), "leaseSeconds", 300));
            vertx.runOnContext(v -> loop(key, claimBody, warmEndNanos, endNanos, results, finished));
            done.add(finished.future());
        }
        Future.join(done).toCompletionStage().toCompletableFuture().get();
        return results;
    }

    private void loop(String key, String claimBody, long warmEnd, long end, Results r, Promise<Void> finished) {
        if (System.nanoTime() >= end) {
            finished.complete();
            return;
        }
        cycle(key, claimBody, warmEnd, end, r).onComplete(ar -> {
            if (ar.failed()) {
                r.errors().incrementAndGet();
                r.firstError().compareAndSet(null, ar.cause().getMessage());
            } else if (!ar.result()) {
                r.dryAtNanos().compareAndSet(0, System.nanoTime());
                finished.complete(); // nothing left to claim
                return;
            }
            loop(key, claimBody, warmEnd, end, r, finished);
        });
    }

    /** One cycle; answers false when the claim found nothing eligible. */
    private Future<Boolean> cycle(String key, String claimBody, long warmEnd, long end, Results r) {
        long t0 = System.nanoTime();
        return call(key, base + "/claims", claimBody, -1).compose(claimed -> {
            long t1 = System.nanoTime();
            if (claimed == null) {
                return Future.succeededFuture(false);
            }
            String task = claimed.path("task").path("id").asText();
            long epoch = claimed.path("lease").path("leaseEpoch").asLong();
            String run = claimed.path("run").path("id").asText();
            return call(key, base + "/tasks/" + task + "/actions/start", "{\"leaseEpoch\":" + epoch + "}", 200)
                    .compose(started -> {
                        long t2 = System.nanoTime();
                        String finish = "{\"leaseEpoch\":" + epoch + ",\"outcome\":\"succeeded\",\"summary\":\"bench\",\"usage\":"
                                + USAGE_BODY + "}";
                        return call(key, base + "/runs/" + run + "/finish", finish, 200).map(f -> {
                            long t3 = System.nanoTime();
                            if (t0 > warmEnd && t3 < end) {
                                r.claim().recordValue((t1 - t0) / 1000);
                                r.start().recordValue((t2 - t1) / 1000);
                                r.finish().recordValue((t3 - t2) / 1000);
                                r.cycles().incrementAndGet();
                            }
                            return true;
                        });
                    });
        });
    }

    /** POSTs JSON; expected -1 means a claim (200 with a body, or 204 → null). */
    private Future<JsonNode> call(String key, String path, String body, int expected) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI(path)
                .putHeader("Authorization", "Bearer " + key).putHeader("Content-Type", "application/json");
        return client.request(options).compose(req -> req.send(Buffer.buffer(body))).compose(resp -> resp.body().map(b -> {
            int status = resp.statusCode();
            if (expected < 0 && status == 204) {
                return null;
            }
            if (status != (expected < 0 ? 200 : expected)) {
                throw new IllegalStateException("POST " + path + " answered " + status + ": " + b);
            }
            try {
                return JSON.readTree(b.getBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }));
    }

    @Override
    public void close() {
        client.close();
        vertx.close();
    }
}
