package io.companyagents.cli.up;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The Kafka the services use: a single-node KRaft broker+controller run as a child JVM
 * ({@code kafka.Kafka <instance>/kafka/server.properties}, data in {@code <instance>/kafka/data}),
 * or an external cluster given as {@code KAFKA_BOOTSTRAP_SERVERS}.
 */
public final class KafkaBroker implements AutoCloseable {

    /** Domain topics (3 partitions each). */
    public static final List<String> DOMAIN_TOPICS = List.of("ca.agents.v1", "ca.tasks.v1", "ca.ledger.v1",
            "ca.audit.v1", "ca.secrets.v1", "ca.gateway.v1");
    /** Dead-letter topic. */
    public static final String DLQ_TOPIC = "ca.dlq.v1";
    public static final int PARTITIONS = 3;
    public static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final String bootstrapServers;
    private final Process process;
    private final Path log;
    private volatile boolean stopping;

    private KafkaBroker(String bootstrapServers, Process process, Path log) {
        this.bootstrapServers = bootstrapServers;
        this.process = process;
        this.log = log;
    }

    /** An external cluster: waits until it answers, nothing is started or stopped. */
    public static KafkaBroker external(String bootstrapServers) {
        KafkaBroker broker = new KafkaBroker(bootstrapServers, null, null);
        broker.awaitReady(READY_TIMEOUT);
        return broker;
    }

    /**
     * Formats the storage once (cluster id kept in {@code kafka/cluster.id}), starts the broker child and
     * waits until an AdminClient can describe the cluster.
     */
    public static KafkaBroker startEmbedded(InstanceLayout layout, int port, String java, String classpath,
            boolean useSetsid, Consumer<String> reporter) {
        KafkaBroker broker = spawnEmbedded(layout, port, java, classpath, useSetsid);
        broker.awaitEmbeddedReady(reporter);
        return broker;
    }

    /** Formats the storage if needed and starts the broker child; does not wait for it. */
    static KafkaBroker spawnEmbedded(InstanceLayout layout, int port, String java, String classpath,
            boolean useSetsid) {
        Path log = layout.log("kafka");
        Path properties = layout.kafka().resolve("server.properties");
        try {
            Files.createDirectories(layout.kafkaData());
            Files.writeString(properties, serverProperties(layout, port), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LaunchException(LaunchException.EXIT_ENVIRONMENT, "Cannot write " + properties + ": "
                    + e.getMessage(), e);
        }
        String cp = ChildProcesses.absoluteClasspath(classpath);
        Path agent = watchdogAgent(layout);
        if (!Files.exists(layout.kafkaData().resolve("meta.properties"))) {
            format(layout, java, cp, properties, log);
        }
        List<String> command = new ArrayList<>(ChildProcesses.sessionPrefix(useSetsid));
        command.add(java);
        command.addAll(List.of("-Xmx512m", "-Xms64m", "-XX:+UseSerialGC", "-Djava.awt.headless=true"));
        command.add(ParentWatchdog.jvmOption(agent));
        command.addAll(loggingOptions());
        command.addAll(List.of("-cp", cp, "kafka.Kafka", properties.toString()));
        ChildProcesses.markLog(log, "starting Kafka on port " + port);
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .directory(layout.kafka().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new LaunchException(LaunchException.EXIT_FAILED, "Cannot start the Kafka broker: " + e.getMessage(), e);
        }
        return new KafkaBroker("127.0.0.1:" + port, process, log);
    }

    /** Waits for a spawned broker (stopping it on failure) and then reports an unexpected exit. */
    void awaitEmbeddedReady(Consumer<String> reporter) {
        try {
            awaitReady(READY_TIMEOUT);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        process.onExit().thenAccept(p -> {
            if (!stopping) {
                reporter.accept("WARNING: the Kafka broker (pid " + p.pid() + ") exited unexpectedly with "
                        + ChildProcesses.describeExit(p) + "; see " + log);
            }
        });
    }

    static Path watchdogAgent(InstanceLayout layout) {
        try {
            return ParentWatchdog.writeAgentJar(layout.runtimeDir());
        } catch (IOException e) {
            throw new LaunchException(LaunchException.EXIT_ENVIRONMENT, "Cannot write the watchdog agent jar in "
                    + layout.runtimeDir() + ": " + e.getMessage(), e);
        }
    }

    /** slf4j-simple for the broker: warnings, plus the "Kafka Server started" line. */
    private static List<String> loggingOptions() {
        return List.of(
                "-Dslf4j.provider=org.slf4j.simple.SimpleServiceProvider",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn",
                "-Dorg.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer=info",
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSZ",
                "-Dorg.slf4j.simpleLogger.showThreadName=false",
                "-Dorg.slf4j.simpleLogger.levelInBrackets=true");
    }

    static String serverProperties(InstanceLayout layout, int port) {
        int controllerPort = port + 1;
        return String.join("\n",
                "# Written by company-agents up on every start; edits are overwritten.",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + layout.kafkaData().toString().replace("\\", "/"),
                "num.partitions=" + PARTITIONS,
                "default.replication.factor=1",
                "min.insync.replicas=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=3",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=3",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=true",
                "log.retention.hours=168",
                "");
    }

    private static void format(InstanceLayout layout, String java, String cp, Path properties, Path log) {
        Path clusterIdFile = layout.kafka().resolve("cluster.id");
        String clusterId;
        try {
            if (Files.isRegularFile(clusterIdFile)) {
                clusterId = Files.readString(clusterIdFile, StandardCharsets.UTF_8).trim();
            } else {
                clusterId = randomClusterId();
                Files.writeString(clusterIdFile, clusterId + "\n", StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new LaunchException(LaunchException.EXIT_ENVIRONMENT, "Cannot read or write " + clusterIdFile, e);
        }
        ChildProcesses.markLog(log, "formatting Kafka storage (cluster id " + clusterId + ")");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC"));
        command.addAll(loggingOptions());
        command.addAll(List.of("-cp", cp, "kafka.tools.StorageTool", "format", "--cluster-id=" + clusterId, "-c",
                properties.toString(), "--ignore-formatted"));
        try {
            Process p = new ProcessBuilder(command).directory(layout.kafka().toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new LaunchException(LaunchException.EXIT_FAILED, "Formatting the Kafka storage timed out.\n"
                        + ChildProcesses.tailBlock(log, 30));
            }
            if (p.exitValue() != 0) {
                throw new LaunchException(LaunchException.EXIT_FAILED, "Formatting the Kafka storage failed ("
                        + ChildProcesses.describeExit(p) + ").\n" + ChildProcesses.tailBlock(log, 30));
            }
        } catch (IOException e) {
            throw new LaunchException(LaunchException.EXIT_FAILED, "Cannot run the Kafka storage tool: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException(LaunchException.EXIT_FAILED, "Interrupted while formatting the Kafka storage", e);
        }
    }

    /** A Kafka cluster id: 16 random bytes, URL-safe base64 without padding (what kafka-storage random-uuid prints). */
    static String randomClusterId() {
        // like Kafka's own ids, never starting with '-' (a command line would read it as an option)
        while (true) {
            UUID uuid = UUID.randomUUID();
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(16);
            buffer.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
            String id = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(buffer.array());
            if (!id.startsWith("-")) {
                return id;
            }
        }
    }

    /** Admin client properties for this cluster (short timeouts: this is a local check). */
    public Properties adminProperties() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "company-agents-cli");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        return p;
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        Properties props = adminProperties();
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "100");
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        try (Admin admin = Admin.create(props)) {
            while (System.nanoTime() < deadline) {
                if (process != null && !process.isAlive()) {
                    if (stopping) {
                        throw new LaunchException(130, "Startup aborted: shutting down.");
                    }
                    throw new LaunchException(LaunchException.EXIT_FAILED, "The Kafka broker exited during startup ("
                            + ChildProcesses.describeExit(process) + ").\n" + ChildProcesses.tailBlock(log, 30));
                }
                try {
                    admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).nodes().get(3, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    last = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LaunchException(LaunchException.EXIT_FAILED, "Interrupted while waiting for Kafka", e);
                }
                sleep(200);
            }
        } catch (KafkaException e) {
            throw new LaunchException(LaunchException.EXIT_ENVIRONMENT, "Invalid Kafka bootstrap servers '"
                    + bootstrapServers + "': " + e.getMessage(), e);
        }
        String detail = last == null ? "" : " Last error: " + (last.getCause() != null ? last.getCause() : last);
        throw new LaunchException(LaunchException.EXIT_FAILED, "Kafka at " + bootstrapServers + " did not become ready within "
                + timeout.toSeconds() + " s." + detail + (log == null ? "" : "\n" + ChildProcesses.tailBlock(log, 30)));
    }

    /**
     * Creates the domain topics and the dead-letter topic if absent ({@value #PARTITIONS} partitions; replication
     * factor 1 on the embedded broker, the cluster default elsewhere). Returns the topics created.
     */
    public List<String> ensureTopics() {
        List<String> wanted = new ArrayList<>(DOMAIN_TOPICS);
        wanted.add(DLQ_TOPIC);
        Optional<Short> replication = embedded() ? Optional.of((short) 1) : Optional.empty();
        try (Admin admin = Admin.create(adminProperties())) {
            Set<String> existing = new HashSet<>(admin.listTopics().names().get(30, TimeUnit.SECONDS));
            List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, Optional.of(PARTITIONS), replication)).toList();
            if (missing.isEmpty()) {
                return List.of();
            }
            List<String> created = new ArrayList<>();
            for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> e : admin.createTopics(missing).values()
                    .entrySet()) {
                try {
                    e.getValue().get(30, TimeUnit.SECONDS);
                    created.add(e.getKey());
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw ex;
                    }
                }
            }
            java.util.Collections.sort(created);
            return created;
        } catch (ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new LaunchException(LaunchException.EXIT_FAILED, "Cannot create the Kafka topics on " + bootstrapServers
                    + ": " + cause.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException(LaunchException.EXIT_FAILED, "Interrupted while creating Kafka topics", e);
        }
    }

    /** Names of all topics (tests, status). */
    public Set<String> listTopics() throws Exception {
        try (Admin admin = Admin.create(adminProperties())) {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public boolean embedded() {
        return process != null;
    }

    /** The broker child process, if embedded. */
    public Optional<ProcessHandle> processHandle() {
        return Optional.ofNullable(process).map(Process::toHandle);
    }

    public long pid() {
        return process == null ? -1 : process.pid();
    }

    public boolean isAlive() {
        return process == null || process.isAlive();
    }

    /** SIGTERM the broker child (controlled shutdown), kill it after 30 s. No-op for an external cluster. */
    @Override
    public void close() {
        if (process == null) {
            return;
        }
        stopping = true;
        ChildProcesses.terminate(process.toHandle(), Duration.ofSeconds(30));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
