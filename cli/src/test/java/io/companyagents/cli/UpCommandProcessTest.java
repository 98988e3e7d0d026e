package io.companyagents.cli;

import io.companyagents.cli.testing.FakeHome;
import io.companyagents.cli.testing.TestSupport;
import io.companyagents.cli.up.LaunchConfig;
import io.companyagents.cli.up.RunFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** `company-agents up` as a real foreground process, stopped by SIGINT (Ctrl-C) and by SIGTERM. */
class UpCommandProcessTest {

    private final TestSupport cleanup = new TestSupport();

    @AfterEach
    void cleanUp() {
        cleanup.close();
    }

    @Test
    @Timeout(240)
    void upPrintsUrlAndKeyAndStopsEverythingOnSignals() throws Exception {
        Path work = TestSupport.workDir("up-process");
        Path home = FakeHome.create(work.resolve("home"));
        Path instance = work.resolve("instance");
        LaunchConfig ports = TestSupport.config(instance, home);
        Path keyFile = instance.resolve("admin.key");

        // first run: admin key created, shown once; stopped with Ctrl-C (SIGINT)
        Started first = startUp(work, "first", instance, home, ports);
        String out = Files.readString(first.stdout());
        assertTrue(out.contains("Gateway: http://127.0.0.1:" + ports.gatewayPort()), out);
        String key = Files.readString(keyFile).trim();
        assertTrue(out.contains("Admin API key (shown once, also in " + keyFile + "): " + key), out);
        assertTrue(out.contains("curl -H \"Authorization: Bearer $(cat " + keyFile + ")\" http://127.0.0.1:"
                + ports.gatewayPort() + "/api/v1/me"), out);
        assertTrue(out.matches("(?s).*ready in \\d+\\.\\d s.*"), out);

        UpPreflightTest.Result status = UpPreflightTest.run("status", "--instance-dir", instance.toString());
        assertEquals(0, status.exitCode(), status.out() + status.err());
        assertTrue(status.out().contains("gateway"), status.out());

        List<Long> pids = pids(instance);
        assertEquals(8, pids.size());
        stopWith(first.process(), "INT");
        assertAllGone(pids);
        assertFalse(Files.exists(instance.resolve("run.json")));
        String err = Files.readString(first.stderr());
        assertOrder(err, "Stopping gateway", "Stopping agents", "Stopping Kafka", "Stopping PostgreSQL", "Stopped.");
        assertEquals(3, UpPreflightTest.run("status", "--instance-dir", instance.toString()).exitCode());

        // second run: same data, the key is not shown again; stopped with SIGTERM
        Started second = startUp(work, "second", instance, home, ports);
        String out2 = Files.readString(second.stdout());
        assertTrue(out2.contains("Admin API key: in " + keyFile), out2);
        assertFalse(out2.contains(key), "the key must be shown only once");
        List<Long> pids2 = pids(instance);
        stopWith(second.process(), "TERM");
        assertAllGone(pids2);
        assertEquals(3, UpPreflightTest.run("status", "--instance-dir", instance.toString()).exitCode());
    }

    record Started(Process process, Path stdout, Path stderr) {
    }

    private Started startUp(Path work, String name, Path instance, Path home, LaunchConfig ports) throws Exception {
        Path stdout = work.resolve(name + ".out");
        Path stderr = work.resolve(name + ".err");
        List<String> command = new ArrayList<>(List.of(LaunchConfig.defaultJava(), "-Xmx256m",
                // keeps zonky's unpacked binaries under target/ (the CLI caches them in ~/.company-agents/cache)
                "-Dcompany-agents.cache-dir=" + TestSupport.cacheDir(),
                "-Dcompany-agents.home=" + home, "-cp", System.getProperty("java.class.path"),
                CompanyAgents.class.getName(), "up", "--instance-dir", instance.toString(),
                "--gateway-port", Integer.toString(ports.gatewayPort()),
                "--service-port-base", Integer.toString(ports.servicePortBase()),
                "--pg-port", Integer.toString(ports.pgPort()),
                "--kafka-port", Integer.toString(ports.kafkaPort()),
                "--ready-timeout", "90"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        pb.environment().remove("DATABASE_URL");
        pb.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
        pb.environment().put("COMPANY_AGENTS_INSTANCE_DIR", "/nonexistent/should-be-overridden-by-the-option");
        Process process = pb.start();
        cleanup.register(process);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        while (System.nanoTime() < deadline) {
            if (Files.exists(stdout) && Files.readString(stdout).contains("Press Ctrl-C to stop.")) {
                System.out.println("[" + name + "] stderr:\n" + Files.readString(stderr));
                return new Started(process, stdout, stderr);
            }
            if (!process.isAlive()) {
                fail("up exited with " + process.exitValue() + ":\n" + Files.readString(stdout) + "\n"
                        + Files.readString(stderr));
            }
            Thread.sleep(200);
        }
        fail("up did not become ready:\n" + Files.readString(stderr));
        return null;
    }

    private static List<Long> pids(Path instance) {
        List<Long> pids = new ArrayList<>();
        RunFile run = RunFile.readIfExists(instance.resolve("run.json")).orElseThrow();
        run.components().forEach(e -> pids.add(e.pid()));
        return pids;
    }

    private static void stopWith(Process process, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor());
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "up did not stop after SIG" + signal);
    }

    private static void assertAllGone(List<Long> pids) {
        for (long pid : pids) {
            assertTrue(TestSupport.awaitGone(pid, Duration.ofSeconds(5)), "pid " + pid + " still running");
        }
    }

    private static void assertOrder(String text, String... parts) {
        int at = -1;
        for (String part : parts) {
            int next = text.indexOf(part, at + 1);
            assertTrue(next > at, "'" + part + "' missing or out of order in:\n" + text);
            at = next;
        }
    }
}
