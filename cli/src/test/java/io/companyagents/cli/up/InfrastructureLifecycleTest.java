package io.companyagents.cli.up;

import io.companyagents.cli.testing.TestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Embedded Postgres + the Kafka child, started twice on the same instance directory. */
class InfrastructureLifecycleTest {

    private final TestSupport cleanup = new TestSupport();

    @AfterEach
    void cleanUp() {
        cleanup.close();
    }

    @Test
    @Timeout(180)
    void startsStopsAndRestartsWithDataKept() throws Exception {
        Path instance = TestSupport.workDir("infra");
        LaunchConfig config = TestSupport.config(instance, instance);

        // first run: fresh data directories
        long t0 = System.nanoTime();
        Infrastructure infra = cleanup.register(new SystemLauncher(config, TestSupport.reporter("infra-1"))
                .startInfrastructure());
        System.out.printf("first start of Postgres + Kafka: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        assertEquals("postgres://postgres:postgres@127.0.0.1:" + config.pgPort() + "/company_agents",
                infra.databaseUrl());
        assertEquals("127.0.0.1:" + config.kafkaPort(), infra.kafkaBootstrapServers());
        try (Connection c = infra.postgres().connect(); Statement s = c.createStatement()) {
            assertEquals(1, queryInt(s, "select 1"));
            try (ResultSet rs = s.executeQuery("show fsync")) {
                assertTrue(rs.next());
                assertEquals("on", rs.getString(1), "data kept between runs needs fsync");
            }
            String expected = PostgresServer.sharedBuffers().orElse("128MB");
            try (ResultSet rs = s.executeQuery("select setting::bigint * 8192 / (1024 * 1024) from pg_settings where name = 'shared_buffers'")) {
                assertTrue(rs.next());
                assertEquals(expected, rs.getLong(1) + "MB", "the buffer cache is the one asked for, or Postgres's default");
            }
            try (ResultSet rs = s.executeQuery("show autovacuum_naptime")) {
                assertTrue(rs.next());
                assertEquals(PostgresServer.AUTOVACUUM_NAPTIME, rs.getString(1), "queues are vacuumed within seconds");
            }
            s.execute("create table survives_restart (id int primary key)");
            s.execute("insert into survives_restart values (42)");
        }
        Set<String> topics = infra.kafka().listTopics();
        assertTrue(topics.containsAll(KafkaBroker.DOMAIN_TOPICS), "topics: " + topics);
        assertTrue(topics.contains(KafkaBroker.DLQ_TOPIC), "topics: " + topics);
        assertTrue(Files.exists(instance.resolve("kafka/cluster.id")));
        String clusterId = Files.readString(instance.resolve("kafka/cluster.id")).trim();
        for (String dir : List.of("db", "kafka", "secrets", "runs", "backups", "logs")) {
            assertTrue(Files.isDirectory(instance.resolve(dir)), dir);
        }
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(instance.resolve("secrets"))));

        ProcessHandle kafka1 = infra.kafka().processHandle().orElseThrow();
        long postmaster1 = infra.postgres().pid();
        assertTrue(kafka1.isAlive());
        assertTrue(postmaster1 > 0);

        infra.close();
        assertTrue(TestSupport.awaitGone(kafka1.pid(), Duration.ofSeconds(5)), "Kafka child still running");
        assertTrue(TestSupport.awaitGone(postmaster1, Duration.ofSeconds(5)), "postmaster still running");
        assertTrue(Ports.isFree(config.pgPort()));
        assertTrue(Ports.isFree(config.kafkaPort()));

        // second run: same directories, data reused
        long t1 = System.nanoTime();
        Infrastructure again = cleanup.register(new SystemLauncher(config, TestSupport.reporter("infra-2"))
                .startInfrastructure());
        System.out.printf("second start of Postgres + Kafka: %.1f s%n", (System.nanoTime() - t1) / 1e9);
        try (Connection c = again.postgres().connect(); Statement s = c.createStatement()) {
            assertEquals(42, queryInt(s, "select id from survives_restart"));
        }
        assertEquals(clusterId, Files.readString(instance.resolve("kafka/cluster.id")).trim());
        assertTrue(again.kafka().ensureTopics().isEmpty(), "topics should survive the restart");
        ProcessHandle kafka2 = again.kafka().processHandle().orElseThrow();
        long postmaster2 = again.postgres().pid();

        again.close();
        assertTrue(TestSupport.awaitGone(kafka2.pid(), Duration.ofSeconds(5)), "Kafka child still running");
        assertFalse(kafka2.isAlive());
        assertTrue(TestSupport.awaitGone(postmaster2, Duration.ofSeconds(5)), "postmaster still running");
        assertFalse(Files.exists(instance.resolve("db/postmaster.pid")));
    }

    private static int queryInt(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }
}
