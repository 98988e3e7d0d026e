package io.companyagents.cli.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Stands in for a packaged Quarkus service in the CLI tests (packed as
 * {@code <fake home>/<module>/target/quarkus-app/quarkus-run.jar} by {@link FakeHome}). JDK only.
 * <ul>
 *   <li>{@code GET /q/health/ready} answers 200 (after {@code FAKE_READY_DELAY_MS}).</li>
 *   <li>{@code GET /env} answers the company-agents environment as {@code key=value} lines.</li>
 *   <li>As the gateway (it has {@code SMALLRYE_JWT_SIGN_KEY_LOCATION}) it writes {@code admin.key} (0600) on first start.</li>
 *   <li>{@code FAKE_FAIL_MODULES=ledger-service,...}: those modules print "boom" and exit 3.</li>
 * </ul>
 */
public final class FakeQuarkusApp {

    private FakeQuarkusApp() {
    }

    public static void main(String[] args) throws Exception {
        String module = module();
        System.out.println("fake " + module + " starting, pid " + ProcessHandle.current().pid());
        String failing = System.getenv().getOrDefault("FAKE_FAIL_MODULES", "");
        for (String m : failing.split(",")) {
            if (m.trim().equals(module)) {
                System.out.println("boom: " + module + " is configured to fail");
                System.exit(3);
            }
        }
        long delay = Long.parseLong(System.getenv().getOrDefault("FAKE_READY_DELAY_MS", "0"));
        long readyAt = System.currentTimeMillis() + delay;
        String instanceDir = System.getenv("COMPANY_AGENTS_INSTANCE_DIR");
        if (System.getenv("SMALLRYE_JWT_SIGN_KEY_LOCATION") != null && instanceDir != null) {
            Path key = Path.of(instanceDir, "admin.key");
            if (!Files.exists(key)) {
                byte[] random = new byte[24];
                new SecureRandom().nextBytes(random);
                Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(key, "ca_admin_" + HexFormat.of().formatHex(random) + "\n", StandardOpenOption.WRITE);
            }
        }
        String host = System.getenv().getOrDefault("QUARKUS_HTTP_HOST", "127.0.0.1");
        int port = Integer.parseInt(System.getenv().getOrDefault("QUARKUS_HTTP_PORT", "8080"));
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 50);
        server.createContext("/q/health/ready", exchange -> {
            boolean ready = System.currentTimeMillis() >= readyAt;
            respond(exchange, ready ? 200 : 503, ready ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
        });
        server.createContext("/env", exchange -> {
            Map<String, String> env = new TreeMap<>();
            System.getenv().forEach((k, v) -> {
                if (k.startsWith("COMPANY_AGENTS_") || k.startsWith("QUARKUS_") || k.startsWith("MP_JWT")
                        || k.startsWith("SMALLRYE_") || k.equals("DATABASE_URL") || k.equals("KAFKA_BOOTSTRAP_SERVERS")) {
                    env.put(k, v);
                }
            });
            StringBuilder sb = new StringBuilder("MODULE=" + module + "\n");
            env.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
            respond(exchange, 200, sb.toString());
        });
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("fake " + module + " stopping");
            server.stop(0);
        }));
        System.out.println("fake " + module + " listening on " + host + ":" + port);
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** {@code <home>/<module>/target/quarkus-app/quarkus-run.jar} → module. */
    private static String module() throws Exception {
        Path jar = Path.of(FakeQuarkusApp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return jar.getParent().getParent().getParent().getFileName().toString();
    }
}
