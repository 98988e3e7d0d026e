package io.companyagents.agents;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for secrets-service's internal project-token endpoint (plain JDK HTTP server):
 * it keeps tokens in memory and records who called. While {@link #REACHABLE} is false it drops
 * every connection without an answer, as an unreachable service would.
 */
public class FakeSecretsService implements QuarkusTestResourceLifecycleManager {

    public record Call(String method, String path, String authorization) {
    }

    private static final Pattern PATH = Pattern.compile("/internal/v1/companies/([0-9a-f-]{36})/project-tokens/([0-9a-f-]{36})");

    /** Stored tokens by "companyId/projectId". */
    public static final Map<String, String> TOKENS = new ConcurrentHashMap<>();
    public static final List<Call> CALLS = new CopyOnWriteArrayList<>();
    public static final AtomicBoolean REACHABLE = new AtomicBoolean(true);

    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", this::handle);
            server.start();
            return Map.of("company-agents.services.secrets.url", "http://127.0.0.1:" + server.getAddress().getPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        if (!REACHABLE.get()) {
            exchange.close();
            return;
        }
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        CALLS.add(new Call(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                exchange.getRequestHeaders().getFirst("Authorization")));
        Matcher m = PATH.matcher(exchange.getRequestURI().getPath());
        if (!m.matches()) {
            answer(exchange, 404, "");
            return;
        }
        String key = m.group(1) + "/" + m.group(2);
        switch (exchange.getRequestMethod()) {
            case "PUT" -> {
                Matcher value = Pattern.compile("\\{\\s*\"value\"\\s*:\\s*\"([^\"]*)\"\\s*}").matcher(body);
                if (!value.matches()) {
                    answer(exchange, 400, "{\"code\":\"validation_failed\"}");
                    return;
                }
                TOKENS.put(key, value.group(1));
                answer(exchange, 204, null);
            }
            case "GET" -> answer(exchange, 200, "{\"present\":" + TOKENS.containsKey(key) + "}");
            case "DELETE" -> answer(exchange, TOKENS.remove(key) != null ? 204 : 404, null);
            default -> answer(exchange, 405, "");
        }
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        if (json == null) {
            exchange.sendResponseHeaders(status, -1);
        } else {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
