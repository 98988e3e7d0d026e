package io.companyagents.cli.up;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything {@link SystemLauncher} needs. Start from {@link #defaults(Path, Path)} and adjust with
 * the {@code with...} methods.
 *
 * @param instanceDir           instance directory (db/, kafka/, secrets/, runs/, backups/, logs/, admin.key)
 * @param home                  repository or distribution root: {@code <home>/<module>/target/quarkus-app/quarkus-run.jar}
 * @param gatewayPort           gateway HTTP port
 * @param servicePortBase       agents = base, tasks = base+1, ledger = +2, audit = +3, secrets = +4
 * @param pgPort                embedded PostgreSQL port (ignored when {@code databaseUrl} is set)
 * @param kafkaPort             embedded Kafka PLAINTEXT port; the controller uses {@code kafkaPort + 1}
 * @param databaseUrl           external Postgres ({@code postgres://user:pass@host:port/db}); null = embedded
 * @param kafkaBootstrapServers external Kafka; null = embedded
 * @param javaExecutable        java binary used for every child process
 * @param pgBinariesDir         where zonky unpacks the PostgreSQL binaries (a cache shared by instances)
 * @param readyTimeout          total time allowed for the services and gateway to become ready
 * @param serviceJvmArgs        JVM options of each service child
 * @param extraServiceEnv       extra environment for every service child (tests, tuning)
 * @param kafkaClasspath        classpath of the Kafka child; null = this JVM's {@code java.class.path}
 * @param useSetsid             run children in their own session (Ctrl-C reaches only the CLI, which then
 *                              stops them in order); ignored where {@code setsid} is missing
 */
public record LaunchConfig(
        Path instanceDir,
        Path home,
        int gatewayPort,
        int servicePortBase,
        int pgPort,
        int kafkaPort,
        String databaseUrl,
        String kafkaBootstrapServers,
        String javaExecutable,
        Path pgBinariesDir,
        Duration readyTimeout,
        List<String> serviceJvmArgs,
        Map<String, String> extraServiceEnv,
        String kafkaClasspath,
        boolean useSetsid) {

    public static final int DEFAULT_GATEWAY_PORT = 8080;
    public static final int DEFAULT_SERVICE_PORT_BASE = 8181;
    public static final int DEFAULT_PG_PORT = 15432;
    public static final int DEFAULT_KAFKA_PORT = 19092;
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(180);
    /**
     * The services' JVM options: the serial collector (one thread, no concurrent work competing for
     * the cores everything shares) with a fixed 64 MB young generation. Under load a service
     * allocates tens of MB a second; with the young generation sized from a small initial heap
     * (about 10 MB) tasks- and audit-service collected six to seven times a second, each pause
     * paying the fixed cost of scanning roots and the old generation's dirty cards again.
     */
    public static final List<String> DEFAULT_SERVICE_JVM_ARGS = List.of("-XX:+UseSerialGC", "-Xms96m", "-Xmx320m", "-Xmn64m");

    public LaunchConfig {
        Objects.requireNonNull(instanceDir, "instanceDir");
        Objects.requireNonNull(home, "home");
        instanceDir = instanceDir.toAbsolutePath().normalize();
        home = home.toAbsolutePath().normalize();
        if (javaExecutable == null || javaExecutable.isBlank()) {
            javaExecutable = defaultJava();
        }
        if (pgBinariesDir == null) {
            pgBinariesDir = defaultPgBinariesDir();
        }
        pgBinariesDir = pgBinariesDir.toAbsolutePath().normalize();
        if (readyTimeout == null) {
            readyTimeout = DEFAULT_READY_TIMEOUT;
        }
        serviceJvmArgs = serviceJvmArgs == null ? defaultServiceJvmArgs() : List.copyOf(serviceJvmArgs);
        extraServiceEnv = extraServiceEnv == null ? Map.of() : Map.copyOf(extraServiceEnv);
        databaseUrl = blankToNull(databaseUrl);
        kafkaBootstrapServers = blankToNull(kafkaBootstrapServers);
        checkPort("gatewayPort", gatewayPort);
        checkPort("servicePortBase", servicePortBase);
        checkPort("servicePortBase + 4", servicePortBase + 4);
        checkPort("pgPort", pgPort);
        checkPort("kafkaPort", kafkaPort);
        checkPort("kafkaPort + 1", kafkaPort + 1);
    }

    /** Default ports, embedded Postgres and Kafka, the JVM running this code. */
    public static LaunchConfig defaults(Path instanceDir, Path home) {
        return new LaunchConfig(instanceDir, home, DEFAULT_GATEWAY_PORT, DEFAULT_SERVICE_PORT_BASE,
                DEFAULT_PG_PORT, DEFAULT_KAFKA_PORT, null, null, null, null, null, null, null, null, true);
    }

    /** {@code ~/.company-agents/instances/<name>}. */
    public static Path defaultInstanceDir(String instanceName) {
        return Path.of(System.getProperty("user.home"), ".company-agents", "instances", instanceName);
    }

    /**
     * {@code <cache>/postgres}, where the cache is system property {@code company-agents.cache-dir}, else env
     * {@code COMPANY_AGENTS_CACHE_DIR}, else {@code ~/.company-agents/cache}.
     */
    public static Path defaultPgBinariesDir() {
        String cache = System.getProperty("company-agents.cache-dir");
        if (cache == null || cache.isBlank()) {
            cache = System.getenv("COMPANY_AGENTS_CACHE_DIR");
        }
        Path root = cache == null || cache.isBlank()
                ? Path.of(System.getProperty("user.home"), ".company-agents", "cache") : Path.of(cache);
        return root.resolve("postgres");
    }

    public static String defaultJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public LaunchConfig withPorts(int gatewayPort, int servicePortBase, int pgPort, int kafkaPort) {
        return new LaunchConfig(instanceDir, home, gatewayPort, servicePortBase, pgPort, kafkaPort, databaseUrl,
                kafkaBootstrapServers, javaExecutable, pgBinariesDir, readyTimeout, serviceJvmArgs, extraServiceEnv,
                kafkaClasspath, useSetsid);
    }

    public LaunchConfig withDatabaseUrl(String databaseUrl) {
        return new LaunchConfig(instanceDir, home, gatewayPort, servicePortBase, pgPort, kafkaPort, databaseUrl,
                kafkaBootstrapServers, javaExecutable, pgBinariesDir, readyTimeout, serviceJvmArgs, extraServiceEnv,
                kafkaClasspath, useSetsid);
    }

    public LaunchConfig withKafkaBootstrapServers(String kafkaBootstrapServers) {
        return new LaunchConfig(instanceDir, home, gatewayPort, servicePortBase, pgPort, kafkaPort, databaseUrl,
                kafkaBootstrapServers, javaExecutable, pgBinariesDir, readyTimeout, serviceJvmArgs, extraServiceEnv,
                kafkaClasspath, useSetsid);
    }

    public LaunchConfig withPgBinariesDir(Path pgBinariesDir) {
        return new LaunchConfig(instanceDir, home, gatewayPort, servicePortBase, pgPort, kafkaPort, databaseUrl,
                kafkaBootstrapServers, javaExecutable, pgBinariesDir, readyTimeout, serviceJvmArgs, extraServiceEnv,
                kafkaClasspath, useSetsid);
    }

    public LaunchConfig withReadyTimeout(Duration readyTimeout) {
        return new LaunchConfig(instanceDir, home, gatewayPort, servicePortBase, pgPort, kafkaPort, databaseUrl,
                kafkaBootstrapServers, javaExecutable, pgBinariesDir, readyTimeout, serviceJvmArgs, extraServiceEnv,
                kafkaClasspath, useSetsid);
    }

    /** {@code COMPANY_AGENTS_SERVICE_JVM_ARGS} (whitespace-separated) replaces the default JVM options of the services. */
    static List<String> defaultServiceJvmArgs() {
        String env = System.getenv("COMPANY_AGENTS_SERVICE_JVM_ARGS");
        return env == null || env.isBlank() ? DEFAULT_SERVICE_JVM_ARGS : List.of(env.trim().split("\\s+"));
    }

    public LaunchConfig withServiceJvmArgs(List<String> serviceJvmArgs) {
        return new LaunchConfig(instanceDir, home, gatewayPort, servicePortBase, pgPort, kafkaPort, databaseUrl,
                kafkaBootstrapServers, javaExecutable, pgBinariesDir, readyTimeout, serviceJvmArgs, extraServiceEnv,
                kafkaClasspath, useSetsid);
    }

    public LaunchConfig withExtraServiceEnv(Map<String, String> extraServiceEnv) {
        return new LaunchConfig(instanceDir, home, gatewayPort, servicePortBase, pgPort, kafkaPort, databaseUrl,
                kafkaBootstrapServers, javaExecutable, pgBinariesDir, readyTimeout, serviceJvmArgs, extraServiceEnv,
                kafkaClasspath, useSetsid);
    }

    public LaunchConfig withKafkaClasspath(String kafkaClasspath) {
        return new LaunchConfig(instanceDir, home, gatewayPort, servicePortBase, pgPort, kafkaPort, databaseUrl,
                kafkaBootstrapServers, javaExecutable, pgBinariesDir, readyTimeout, serviceJvmArgs, extraServiceEnv,
                kafkaClasspath, useSetsid);
    }

    public LaunchConfig withUseSetsid(boolean useSetsid) {
        return new LaunchConfig(instanceDir, home, gatewayPort, servicePortBase, pgPort, kafkaPort, databaseUrl,
                kafkaBootstrapServers, javaExecutable, pgBinariesDir, readyTimeout, serviceJvmArgs, extraServiceEnv,
                kafkaClasspath, useSetsid);
    }

    public boolean embeddedPostgres() {
        return databaseUrl == null;
    }

    public boolean embeddedKafka() {
        return kafkaBootstrapServers == null;
    }

    public int kafkaControllerPort() {
        return kafkaPort + 1;
    }

    public int port(Component component) {
        return component.isGateway() ? gatewayPort : servicePortBase + component.portOffset();
    }

    public String url(Component component) {
        return "http://127.0.0.1:" + port(component);
    }

    public Path serviceJar(Component component) {
        return home.resolve(component.module()).resolve("target/quarkus-app/quarkus-run.jar");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static void checkPort(String what, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(what + " must be between 1 and 65535, was " + port);
        }
    }
}
