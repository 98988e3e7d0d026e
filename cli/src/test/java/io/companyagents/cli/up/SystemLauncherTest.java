package io.companyagents.cli.up;

import io.companyagents.cli.testing.FakeHome;
import io.companyagents.cli.testing.TestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The launcher API end to end: real embedded Postgres and Kafka child, and stand-in services
 * ({@code FakeQuarkusApp}) packed as quarkus-run.jar files.
 */
class SystemLauncherTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final TestSupport cleanup = new TestSupport();

    @AfterEach
    void cleanUp() {
        cleanup.close();
    }

    @Test
    @Timeout(180)
    void launchesRestartsOneServiceAndStopsEverything() throws Exception {
        Path work = TestSupport.workDir("system");
        Path home = FakeHome.create(work.resolve("home"));
        Path instance = work.resolve("instance");
        LaunchConfig config = TestSupport.config(instance, home);

        RunningSystem system = cleanup.register(new SystemLauncher(config, TestSupport.reporter("system")).launch());
        System.out.printf("system ready in %.1f s%n", system.startupTime().toMillis() / 1000.0);

        assertEquals("http://127.0.0.1:" + config.gatewayPort(), system.gatewayUrl());
        assertEquals("http://127.0.0.1:" + (config.servicePortBase() + 1), system.serviceUrl("tasks"));
        assertEquals("http://127.0.0.1:" + (config.servicePortBase() + 1), system.serviceUrl("tasks-service"));
        assertTrue(system.adminKeyCreated());
        assertTrue(system.adminKey().startsWith("ca_admin_"), system.adminKey());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(system.adminKeyFile())));

        // keys: PKCS#8 private (0600) and SPKI public, a matching pair
        Path priv = instance.resolve("secrets/internal-jwt-private.pem");
        Path pub = instance.resolve("secrets/internal-jwt-public.pem");
        assertTrue(Files.readString(priv).startsWith("-----BEGIN PRIVATE KEY-----\n"));
        assertTrue(Files.readString(pub).startsWith("-----BEGIN PUBLIC KEY-----\n"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(priv)));
        var signer = java.security.Signature.getInstance("SHA256withRSA");
        signer.initSign(JwtKeys.readPrivateKey(priv));
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();
        var verifier = java.security.Signature.getInstance("SHA256withRSA");
        verifier.initVerify(JwtKeys.readPublicKey(pub));
        verifier.update(new byte[] {1, 2, 3});
        assertTrue(verifier.verify(signature));

        // environment of the children
        Map<String, String> gatewayEnv = env(system.gatewayUrl());
        assertEquals("gateway", gatewayEnv.get("MODULE"));
        assertEquals(system.databaseUrl(), gatewayEnv.get("DATABASE_URL"));
        assertEquals(system.kafkaBootstrapServers(), gatewayEnv.get("KAFKA_BOOTSTRAP_SERVERS"));
        assertEquals(Integer.toString(config.gatewayPort()), gatewayEnv.get("QUARKUS_HTTP_PORT"));
        assertEquals("127.0.0.1", gatewayEnv.get("QUARKUS_HTTP_HOST"));
        assertEquals(instance.toString(), gatewayEnv.get("COMPANY_AGENTS_INSTANCE_DIR"));
        assertEquals(pub.toString(), gatewayEnv.get("MP_JWT_VERIFY_PUBLICKEY_LOCATION"));
        assertEquals(priv.toString(), gatewayEnv.get("SMALLRYE_JWT_SIGN_KEY_LOCATION"));
        for (String s : List.of("agents", "tasks", "ledger", "audit", "secrets")) {
            assertEquals(system.serviceUrl(s), gatewayEnv.get("COMPANY_AGENTS_SERVICES_" + s.toUpperCase() + "_URL"));
        }
        // a value in the environment of `up` (here: of the tests) wins over the launcher's sizing
        String ownLoops = System.getenv("QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE");
        assertEquals(ownLoops != null ? ownLoops : Integer.toString(SystemLauncher.serviceEventLoops(Runtime.getRuntime().availableProcessors())),
                gatewayEnv.get("QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE"), "services share the cores: few event loops each");
        Map<String, String> ledgerEnv = env(system.serviceUrl("ledger"));
        assertEquals("ledger-service", ledgerEnv.get("MODULE"));
        assertEquals(pub.toString(), ledgerEnv.get("MP_JWT_VERIFY_PUBLICKEY_LOCATION"));
        assertFalse(ledgerEnv.containsKey("SMALLRYE_JWT_SIGN_KEY_LOCATION"), "only the gateway gets the private key");

        // run.json
        RunFile run = RunFile.readIfExists(instance.resolve("run.json")).orElseThrow();
        assertEquals(ProcessHandle.current().pid(), run.cliPid());
        assertEquals(8, run.components().size());
        assertEquals(system.pid("tasks"), run.component("tasks").orElseThrow().pid());

        // stop and start one service
        long tasksPid = system.pid("tasks");
        system.stop("tasks");
        assertTrue(TestSupport.awaitGone(tasksPid, Duration.ofSeconds(5)));
        assertFalse(system.isAlive("tasks"));
        assertFalse(ServiceProcess.isReady(system.serviceUrl("tasks"), Duration.ofSeconds(1)));
        assertTrue(ServiceProcess.isReady(system.serviceUrl("agents"), Duration.ofSeconds(2)));
        system.start("tasks");
        assertTrue(ServiceProcess.isReady(system.serviceUrl("tasks"), Duration.ofSeconds(2)));
        assertNotEquals(tasksPid, system.pid("tasks"));
        assertEquals(system.pid("tasks"), RunFile.readIfExists(instance.resolve("run.json")).orElseThrow()
                .component("tasks").orElseThrow().pid(), "run.json follows the restart");

        // a failing service, in a second instance that uses this one's Postgres and Kafka as external ones:
        // the launch fails with the log tail and stops what it started, but not the external infrastructure
        Path otherInstance = work.resolve("other-instance");
        LaunchConfig failing = TestSupport.config(otherInstance, home)
                .withDatabaseUrl(system.databaseUrl())
                .withKafkaBootstrapServers(system.kafkaBootstrapServers())
                .withExtraServiceEnv(Map.of("FAKE_FAIL_MODULES", "ledger-service"));
        SystemLauncher launcher = cleanup.register(new SystemLauncher(failing, TestSupport.reporter("failing")));
        LaunchException e = assertThrows(LaunchException.class, launcher::launch);
        assertEquals(LaunchException.EXIT_FAILED, e.exitCode());
        assertTrue(e.getMessage().startsWith("ledger exited during startup (exit code 3)"), e.getMessage());
        assertTrue(e.getMessage().contains("boom: ledger-service is configured to fail"), e.getMessage());
        assertTrue(launcher.isClosed());
        for (Component c : Component.values()) {
            assertTrue(Ports.isFree(failing.port(c)), c + " port still bound");
        }
        assertFalse(Files.exists(otherInstance.resolve("db/PG_VERSION")), "no embedded Postgres in external mode");
        assertTrue(system.kafka().isAlive(), "the external Kafka must survive a failed launch");
        try (var c = system.postgres().connect(); var st = c.createStatement()) {
            st.execute("select 1");
        }

        List<Long> pids = new ArrayList<>();
        for (RunFile.Entry entry : RunFile.readIfExists(instance.resolve("run.json")).orElseThrow().components()) {
            pids.add(entry.pid());
        }
        system.close();
        for (long pid : pids) {
            assertTrue(TestSupport.awaitGone(pid, Duration.ofSeconds(5)), "pid " + pid + " still running");
        }
        assertFalse(Files.exists(instance.resolve("run.json")));
        assertTrue(Ports.isFree(config.gatewayPort()));
        assertFalse(PostgresServer.postmaster(instance.resolve("db")).isPresent(), "postmaster left running");
    }

    @Test
    void servicesTakeOneEventLoopPerFourCoresAndAtLeastOne() {
        assertEquals(1, SystemLauncher.serviceEventLoops(1));
        assertEquals(1, SystemLauncher.serviceEventLoops(2));
        assertEquals(1, SystemLauncher.serviceEventLoops(4));
        assertEquals(2, SystemLauncher.serviceEventLoops(8));
        assertEquals(4, SystemLauncher.serviceEventLoops(16));
    }

    private static Map<String, String> env(String baseUrl) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/env")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        Map<String, String> env = new java.util.HashMap<>();
        for (String line : response.body().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }
}
