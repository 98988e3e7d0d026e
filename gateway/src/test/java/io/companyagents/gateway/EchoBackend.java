package io.companyagents.gateway;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A stand-in for a service behind the gateway (plain JDK HTTP server): it answers with what
 * it received, so tests can see exactly what the gateway forwarded. Another service's URL
 * points at a port where nothing listens.
 */
public class EchoBackend implements QuarkusTestResourceLifecycleManager {

    public record Seen(String method, String path, String authorization, String requestId, String body) {
    }

    public static final AtomicReference<Seen> LAST = new AtomicReference<>();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                LAST.set(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                        exchange.getRequestHeaders().getFirst("Authorization"),
                        exchange.getRequestHeaders().getFirst("X-Request-Id"), body));
                byte[] answer = ("{\"echo\":" + body.length() + "}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(exchange.getRequestURI().getPath().endsWith("/created") ? 201 : 200, answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
            });
            server.start();
            int closedPort;
            try (ServerSocket s = new ServerSocket(0)) {
                closedPort = s.getLocalPort();
            }
            String echo = "http://127.0.0.1:" + server.getAddress().getPort();
            return Map.of(
                    "company-agents.services.agents.url", echo,
                    "company-agents.services.audit.url", echo,
                    "company-agents.services.tasks.url", "http://127.0.0.1:" + closedPort,
                    "company-agents.services.ledger.url", "http://127.0.0.1:" + closedPort,
                    "company-agents.services.secrets.url", "http://127.0.0.1:" + closedPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
