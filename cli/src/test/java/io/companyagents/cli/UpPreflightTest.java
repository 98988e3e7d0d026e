package io.companyagents.cli;

import io.companyagents.cli.testing.FakeHome;
import io.companyagents.cli.testing.TestSupport;
import io.companyagents.cli.up.InstanceLayout;
import io.companyagents.cli.up.LaunchConfig;
import io.companyagents.cli.up.LaunchException;
import io.companyagents.cli.up.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `up` refuses clearly (exit code 2, one message, no stack trace) before starting anything. */
@Timeout(60)
class UpPreflightTest {

    record Result(int exitCode, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = CompanyAgents.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private static List<String> upArgs(Path instance, Path home, LaunchConfig ports) {
        return new ArrayList<>(List.of("up", "--instance-dir", instance.toString(), "--home", home.toString(),
                "--gateway-port", Integer.toString(ports.gatewayPort()),
                "--service-port-base", Integer.toString(ports.servicePortBase()),
                "--pg-port", Integer.toString(ports.pgPort()),
                "--kafka-port", Integer.toString(ports.kafkaPort()),
                // independent of DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS in the environment running the tests
                "--database-url=", "--kafka-bootstrap-servers="));
    }

    @Test
    void busyPortGivesClearMessageAndExitCode2() throws Exception {
        Path work = TestSupport.workDir("busy-port");
        Path home = FakeHome.create(work.resolve("home"));
        Path instance = work.resolve("instance");
        LaunchConfig ports = TestSupport.config(instance, home);
        try (ServerSocket busy = new ServerSocket(ports.pgPort(), 50, InetAddress.getLoopbackAddress())) {
            Result r = run(upArgs(instance, home, ports).toArray(String[]::new));
            assertEquals(2, r.exitCode(), r.err());
            assertTrue(r.err().contains("Port " + ports.pgPort() + " (embedded PostgreSQL) is already in use"), r.err());
            assertTrue(r.err().contains("--pg-port"), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
            assertFalse(r.err().contains("\tat "), r.err());
        }
        // nothing was started: the data directory is still empty, no run.json
        try (var files = Files.list(instance.resolve("db"))) {
            assertEquals(0, files.count());
        }
        assertFalse(Files.exists(instance.resolve("run.json")));
    }

    @Test
    void busyGatewayPortNamesItsOption() throws Exception {
        Path work = TestSupport.workDir("busy-gateway");
        Path home = FakeHome.create(work.resolve("home"));
        Path instance = work.resolve("instance");
        LaunchConfig ports = TestSupport.config(instance, home);
        try (ServerSocket busy = new ServerSocket(ports.gatewayPort(), 50, InetAddress.getLoopbackAddress())) {
            Result r = run(upArgs(instance, home, ports).toArray(String[]::new));
            assertEquals(2, r.exitCode(), r.err());
            assertTrue(r.err().contains("Port " + ports.gatewayPort() + " (gateway) is already in use"), r.err());
            assertTrue(r.err().contains("--gateway-port"), r.err());
        }
    }

    @Test
    void portCheckFunction() throws Exception {
        LaunchConfig config = TestSupport.config(TestSupport.workDir("ports"), Path.of("."));
        try (ServerSocket busy = new ServerSocket(config.kafkaPort() + 1, 50, InetAddress.getLoopbackAddress())) {
            LaunchException e = assertThrows(LaunchException.class,
                    () -> Ports.requireFree(Ports.portsToBind(config)));
            assertEquals(LaunchException.EXIT_ENVIRONMENT, e.exitCode());
            assertTrue(e.getMessage().contains("--kafka-port"), e.getMessage());
        }
        // external Postgres/Kafka: their ports are not checked
        List<Ports.PortUse> external = Ports.portsToBind(config.withDatabaseUrl("postgres://u:p@db:5432/x")
                .withKafkaBootstrapServers("kafka:9092"));
        assertEquals(6, external.size());
        // overlapping assignments are refused
        LaunchException clash = assertThrows(LaunchException.class, () -> Ports.portsToBind(
                config.withPorts(config.servicePortBase() + 2, config.servicePortBase(), config.pgPort(),
                        config.kafkaPort())));
        assertTrue(clash.getMessage().contains("assigned twice"), clash.getMessage());
    }

    @Test
    void missingJarsAreNamedWithTheBuildCommand() {
        Path work = TestSupport.workDir("no-jars");
        Path instance = work.resolve("instance");
        LaunchConfig ports = TestSupport.config(instance, work);
        Result r = run(upArgs(instance, work.resolve("empty-home"), ports).toArray(String[]::new));
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("gateway/target/quarkus-app/quarkus-run.jar"), r.err());
        assertTrue(r.err().contains("./mvnw -q -B package -DskipTests"), r.err());
    }

    @Test
    void secondUpOnTheSameInstanceIsRefused() throws Exception {
        Path work = TestSupport.workDir("already-running");
        Path home = FakeHome.create(work.resolve("home"));
        Path instance = work.resolve("instance");
        LaunchConfig ports = TestSupport.config(instance, home);
        InstanceLayout layout = new InstanceLayout(instance).create();
        try (InstanceLayout.InstanceLock held = layout.lock()) {
            Result r = run(upArgs(instance, home, ports).toArray(String[]::new));
            assertEquals(2, r.exitCode(), r.err());
            assertTrue(r.err().contains("already running"), r.err());
        }
    }

    @Test
    void statusOfAnInstanceThatNeverRanIsExitCode3() {
        Path instance = TestSupport.workDir("never-ran");
        Result r = run("status", "--instance-dir", instance.toString());
        assertEquals(3, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("not running"), r.out());
    }

    @Test
    void invalidDatabaseUrlIsRefused() throws Exception {
        Path work = TestSupport.workDir("bad-url");
        Path home = FakeHome.create(work.resolve("home"));
        Path instance = work.resolve("instance");
        LaunchConfig ports = TestSupport.config(instance, home);
        List<String> args = upArgs(instance, home, ports);
        args.remove("--database-url=");
        args.addAll(List.of("--database-url", "mysql://root:secret@localhost/x"));
        Result r = run(args.toArray(String[]::new));
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("postgres://user:password@host:port/database"), r.err());
        assertFalse(r.err().contains("secret"), "the password must not be echoed: " + r.err());
    }
}
