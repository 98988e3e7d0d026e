package io.companyagents.cli.up;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Starts the embedded default: Postgres, Kafka, the internal JWT keys, the five services and the gateway,
 * each waited for, in that order; and stops all of it in reverse order.
 *
 * <pre>{@code
 * LaunchConfig config = LaunchConfig.defaults(instanceDir, repoRoot).withPorts(gw, base, pg, kafka);
 * try (RunningSystem system = new SystemLauncher(config, System.err::println).launch()) {
 *     system.gatewayUrl(); system.adminKey(); system.stop("tasks"); system.start("tasks");
 * }
 * }</pre>
 *
 * {@link #close()} may be called from another thread (a shutdown hook) at any time, also while
 * {@link #launch()} is still running: whatever has been started is stopped and the launch fails.
 */
public final class SystemLauncher implements AutoCloseable {

    private final LaunchConfig config;
    private final InstanceLayout layout;
    private final Consumer<String> reporter;
    private final Object state = new Object();
    private final Map<Component, ServiceProcess> services = new LinkedHashMap<>();
    private InstanceLayout.InstanceLock lock;
    private PostgresServer postgres;
    private KafkaBroker kafka;
    private Path watchdogAgent;
    private boolean closed;
    private boolean closing;
    /** Start steps that close() must let finish (then register() stops what they started). */
    private int inFlight;
    private Instant startedAt;
    private final java.util.concurrent.CountDownLatch closedLatch = new java.util.concurrent.CountDownLatch(1);

    public SystemLauncher(LaunchConfig config, Consumer<String> reporter) {
        this.config = config;
        this.layout = new InstanceLayout(config.instanceDir());
        this.reporter = reporter == null ? s -> { } : reporter;
    }

    /** Launches everything with progress lines on stderr. */
    public static RunningSystem launch(LaunchConfig config) {
        return new SystemLauncher(config, System.err::println).launch();
    }

    public LaunchConfig config() {
        return config;
    }

    public InstanceLayout layout() {
        return layout;
    }

    /**
     * Postgres + Kafka (+ topics) only, for tools and tests: layout, lock, port check, then both. Close the
     * returned object (or this launcher) to stop them.
     */
    public Infrastructure startInfrastructure() {
        begin(false);
        try {
            startInfrastructureSteps();
            return new Infrastructure(postgres, kafka, this);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The whole system, ready. On failure everything started is stopped and a {@link LaunchException} thrown. */
    public RunningSystem launch() {
        begin(true);
        try {
            boolean adminKeyExisted = Files.exists(layout.adminKey());
            startInfrastructureSteps();

            if (JwtKeys.ensure(layout)) {
                step("Generated the internal JWT key pair in " + layout.secrets());
            } else {
                step("Using the internal JWT key pair in " + layout.secrets());
            }

            List<Component> backends = Component.services();
            long deadline = System.nanoTime() + config.readyTimeout().toNanos();
            step("Starting " + backends.stream().map(Component::id).collect(Collectors.joining(", "))
                    + " (ports " + config.port(backends.get(0)) + "-" + config.port(backends.get(backends.size() - 1))
                    + ", logs in " + layout.logs() + ")");
            startAndAwait(backends, deadline);
            step("Starting the gateway on port " + config.gatewayPort());
            startAndAwait(List.of(Component.GATEWAY), deadline);

            RunningSystem system = new RunningSystem(this, adminKeyExisted, Duration.between(startedAt, Instant.now()));
            writeRunFile(Instant.now());
            return system;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void begin(boolean full) {
        synchronized (state) {
            if (closed || closing || startedAt != null) {
                throw new IllegalStateException("A SystemLauncher can be used once");
            }
            startedAt = Instant.now();
        }
        try {
            step("Instance " + layout.root());
            layout.create();
            InstanceLayout.InstanceLock l = layout.lock();
            synchronized (state) {
                if (closing) {
                    l.close();
                    throw aborted();
                }
                lock = l;
            }
            cleanUpStaleRun();
            List<Ports.PortUse> ports = Ports.portsToBind(config);
            if (!full) {
                ports = ports.stream().filter(p -> p.option().equals("--pg-port") || p.option().equals("--kafka-port"))
                        .toList();
            }
            if (full) {
                List<Component> missing = new ArrayList<>();
                for (Component c : Component.values()) {
                    if (!Files.isRegularFile(config.serviceJar(c))) {
                        missing.add(c);
                    }
                }
                if (!missing.isEmpty()) {
                    throw new LaunchException(LaunchException.EXIT_ENVIRONMENT, "Missing application jars under "
                            + config.home() + ": " + missing.stream().map(c -> c.module()
                            + "/target/quarkus-app/quarkus-run.jar").collect(Collectors.joining(", "))
                            + ". Build them with: ./mvnw -q -B package -DskipTests   (in " + config.home() + ")");
                }
            }
            if (!ports.isEmpty()) {
                step("Checking ports " + ports.stream().map(p -> Integer.toString(p.port())).collect(Collectors.joining(", ")));
                Ports.requireFree(ports);
            }
            watchdogAgent = KafkaBroker.watchdogAgent(layout);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void startInfrastructureSteps() {
        long t0 = System.nanoTime();
        PostgresServer pg;
        if (config.embeddedPostgres()) {
            step("Starting embedded PostgreSQL 16 on 127.0.0.1:" + config.pgPort() + " (data in " + layout.db() + ")");
            pg = inFlight(() -> {
                PostgresServer started = PostgresServer.startEmbedded(layout, config.pgPort(), config.pgBinariesDir(),
                        reporter);
                register(() -> postgres = started, started);
                return started;
            });
            step("PostgreSQL ready in " + seconds(t0) + " (database " + PostgresServer.DATABASE + ", pid " + pg.pid() + ")");
        } else {
            pg = PostgresServer.external(config.databaseUrl());
            register(() -> postgres = pg, pg);
            step("Using PostgreSQL from DATABASE_URL: " + PostgresServer.redact(config.databaseUrl()));
            String problem = pg.connectionProblem();
            if (problem != null) {
                step("WARNING: cannot connect to DATABASE_URL from here (" + problem + "); the services will try anyway");
            }
        }

        long t1 = System.nanoTime();
        KafkaBroker k;
        if (config.embeddedKafka()) {
            step("Starting embedded Kafka (KRaft) on 127.0.0.1:" + config.kafkaPort() + " (data in " + layout.kafkaData() + ")");
            String cp = config.kafkaClasspath() != null ? config.kafkaClasspath() : System.getProperty("java.class.path");
            k = inFlight(() -> {
                KafkaBroker spawned = KafkaBroker.spawnEmbedded(layout, config.kafkaPort(), config.javaExecutable(), cp,
                        config.useSetsid());
                register(() -> kafka = spawned, spawned);
                return spawned;
            });
            k.awaitEmbeddedReady(reporter);
            step("Kafka ready in " + seconds(t1) + " (pid " + k.pid() + ")");
        } else {
            step("Using Kafka from KAFKA_BOOTSTRAP_SERVERS: " + config.kafkaBootstrapServers());
            k = KafkaBroker.external(config.kafkaBootstrapServers());
            register(() -> kafka = k, k);
        }
        List<String> created = k.ensureTopics();
        if (!created.isEmpty()) {
            step("Created Kafka topics " + String.join(", ", created));
        }
    }

    private void startAndAwait(List<Component> components, long deadline) {
        List<ServiceProcess> started = new ArrayList<>();
        Map<String, Long> startTimes = new LinkedHashMap<>();
        for (Component c : components) {
            ServiceProcess sp = new ServiceProcess(c, config, layout, environment(c), watchdogAgent, reporter);
            startTimes.put(c.id(), System.nanoTime());
            inFlight(() -> {
                register(() -> services.put(c, sp), null);
                sp.start();
                return sp;
            });
            started.add(sp);
        }
        ExecutorService pool = Executors.newFixedThreadPool(started.size(), r -> {
            Thread t = new Thread(r, "company-agents-ready-wait");
            t.setDaemon(true);
            return t;
        });
        try {
            CompletionService<ServiceProcess> completion = new ExecutorCompletionService<>(pool);
            for (ServiceProcess sp : started) {
                completion.submit(() -> {
                    sp.awaitReady(deadline);
                    return sp;
                });
            }
            for (int i = 0; i < started.size(); i++) {
                Future<ServiceProcess> done = completion.take();
                ServiceProcess sp = done.get();
                step(sp.name() + " ready on " + sp.url() + " in " + seconds(startTimes.get(sp.name())) + " (pid "
                        + sp.pid() + ")");
            }
        } catch (ExecutionException e) {
            if (isClosing()) {
                throw aborted();
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new LaunchException(LaunchException.EXIT_FAILED, e.getCause().toString(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw aborted();
        } finally {
            pool.shutdownNow();
        }
    }

    /** Environment of one application child (on top of the CLI's own). */
    Map<String, String> environment(Component c) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DATABASE_URL", postgres.databaseUrl());
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("QUARKUS_HTTP_PORT", Integer.toString(config.port(c)));
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("COMPANY_AGENTS_INSTANCE_DIR", layout.root().toString());
        env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", layout.jwtPublicKey().toString());
        // a laptop's log files are read by people: plain lines, not the JSON that Kubernetes gets
        env.put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false");
        env.put("_PROD_QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false");
        if (c.isGateway()) {
            env.put("SMALLRYE_JWT_SIGN_KEY_LOCATION", layout.jwtPrivateKey().toString());
        }
        // the gateway routes to every service; services that call another (agents → secrets) find it here too
        for (Component s : Component.services()) {
            env.put("COMPANY_AGENTS_SERVICES_" + s.id().toUpperCase(Locale.ROOT) + "_URL", config.url(s));
        }
        // six services, Postgres and Kafka share the laptop's cores: see serviceEventLoops
        if (System.getenv("QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE") == null) {
            env.put("QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE", Integer.toString(serviceEventLoops(Runtime.getRuntime().availableProcessors())));
        }
        env.putAll(config.extraServiceEnv());
        return env;
    }

    /**
     * Event-loop threads per service on the embedded default: one per four cores, at least one.
     * Quarkus sizes its loops for a machine of its own (two per core), but here six services,
     * Postgres and Kafka run on the same cores: with four loops each, a 2-core machine ran
     * twenty-four of them, and the task cycle spent its time waking threads and switching between
     * them (32 agents: 130 cycles/s at 15 ms of CPU per cycle with four, 155 with two, 191 at
     * 10 ms with one). Kubernetes pods keep Quarkus's default for their own CPU limits.
     */
    static int serviceEventLoops(int cores) {
        return Math.max(1, cores / 4);
    }

    /** Stops and starts one application child again (tests, restarts). */
    void restart(Component c, boolean start) {
        ServiceProcess sp;
        synchronized (state) {
            if (closing) {
                throw aborted();
            }
            sp = services.get(c);
        }
        if (sp == null) {
            throw new IllegalStateException(c.id() + " was never started");
        }
        if (!start) {
            step("Stopping " + c.id());
            sp.stop();
            return;
        }
        if (sp.isAlive()) {
            return;
        }
        long t0 = System.nanoTime();
        step("Starting " + c.id());
        inFlight(() -> {
            sp.start();
            return sp;
        });
        sp.awaitReady(System.nanoTime() + config.readyTimeout().toNanos());
        step(c.id() + " ready on " + sp.url() + " in " + seconds(t0) + " (pid " + sp.pid() + ")");
        writeRunFile(Instant.now());
    }

    ServiceProcess service(Component c) {
        synchronized (state) {
            return services.get(c);
        }
    }

    PostgresServer postgres() {
        return postgres;
    }

    KafkaBroker kafka() {
        return kafka;
    }

    Instant startedAt() {
        return startedAt;
    }

    Consumer<String> reporter() {
        return reporter;
    }

    /** Registers something just started; if a close already began, stops it and aborts the launch. */
    private void register(Runnable assign, AutoCloseable resource) {
        synchronized (state) {
            if (!closing) {
                assign.run();
                return;
            }
        }
        if (resource != null) {
            try {
                resource.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
        throw aborted();
    }

    /** Runs a start step that {@link #close()} waits for (bounded) instead of racing with it. */
    private <T> T inFlight(java.util.function.Supplier<T> step) {
        synchronized (state) {
            if (closing) {
                throw aborted();
            }
            inFlight++;
        }
        try {
            return step.get();
        } finally {
            synchronized (state) {
                inFlight--;
                state.notifyAll();
            }
        }
    }

    private boolean isClosing() {
        synchronized (state) {
            return closing;
        }
    }

    private static LaunchException aborted() {
        return new LaunchException(130, "Startup aborted: shutting down.");
    }

    private void cleanUpStaleRun() {
        RunFile.readIfExists(layout.runFile()).ifPresent(stale -> {
            String marker = layout.root().toString();
            for (RunFile.Entry e : stale.components()) {
                if (e.pid() == null || e.kind().equals("postgres")) {
                    continue; // postgres: PostgresServer stops an orphaned postmaster via postmaster.pid
                }
                ProcessHandle.of(e.pid()).filter(ProcessHandle::isAlive)
                        .filter(h -> h.info().commandLine().map(cl -> cl.contains(marker)).orElse(false))
                        .ifPresent(h -> {
                            step("Stopping " + e.name() + " left running by a previous run (pid " + h.pid() + ")");
                            ChildProcesses.terminate(h, ServiceProcess.STOP_GRACE);
                        });
            }
        });
        if (config.embeddedPostgres()) {
            PostgresServer.stopOrphan(layout.db(), reporter);
        }
        try {
            Files.deleteIfExists(layout.runFile());
        } catch (IOException ignored) {
            // rewritten later
        }
    }

    void writeRunFile(Instant readyAt) {
        List<RunFile.Entry> entries = new ArrayList<>();
        PostgresServer pg = postgres;
        if (pg != null) {
            entries.add(new RunFile.Entry("postgres", "postgres", pg.embedded(), pg.embedded() ? pg.pid() : null,
                    pg.host(), pg.port(), null, pg.embedded() ? layout.log("postgres").toString() : null));
        }
        KafkaBroker k = kafka;
        if (k != null) {
            String first = k.bootstrapServers().split(",")[0].trim();
            int colon = first.lastIndexOf(':');
            String host = colon < 0 ? first : first.substring(0, colon);
            int port = colon < 0 ? 9092 : Integer.parseInt(first.substring(colon + 1));
            entries.add(new RunFile.Entry("kafka", "kafka", k.embedded(), k.embedded() ? k.pid() : null, host, port,
                    null, k.embedded() ? layout.log("kafka").toString() : null));
        }
        for (Component c : Component.values()) {
            ServiceProcess sp = service(c);
            if (sp != null) {
                entries.add(new RunFile.Entry(c.id(), "service", true, sp.pid() < 0 ? null : sp.pid(), "127.0.0.1",
                        sp.port(), sp.url(), sp.log().toString()));
            }
        }
        String dbUrl = pg == null ? null : pg.embedded() ? pg.databaseUrl() : PostgresServer.redact(pg.databaseUrl());
        new RunFile(ProcessHandle.current().pid(), layout.root().toString(), startedAt, readyAt,
                config.url(Component.GATEWAY), dbUrl, k == null ? null : k.bootstrapServers(), entries)
                .write(layout.runFile());
    }

    /**
     * Stops everything started, in order: gateway, the five services (in parallel, 20 s grace each), Kafka,
     * Postgres; deletes run.json and releases the instance lock. Idempotent and thread-safe; a second caller
     * waits for the first to finish.
     */
    @Override
    public void close() {
        List<ServiceProcess> toStop;
        synchronized (state) {
            if (closing) {
                toStop = null;
            } else {
                closing = true;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (inFlight > 0 && System.nanoTime() < deadline) {
                    try {
                        state.wait(200);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                toStop = new ArrayList<>(services.values());
            }
        }
        if (toStop == null) {
            awaitClosed();
            return;
        }
        try {
            boolean anything = !toStop.isEmpty() || kafka != null || postgres != null;
            if (anything) {
                step("Stopping company-agents");
            }
            ServiceProcess gateway = toStop.stream().filter(s -> s.component().isGateway()).findFirst().orElse(null);
            if (gateway != null && gateway.isAlive()) {
                step("Stopping gateway (pid " + gateway.pid() + ")");
            }
            if (gateway != null) {
                gateway.stop();
            }
            List<ServiceProcess> rest = toStop.stream().filter(s -> !s.component().isGateway()).toList();
            List<Thread> threads = new ArrayList<>();
            if (rest.stream().anyMatch(ServiceProcess::isAlive)) {
                step("Stopping " + rest.stream().filter(ServiceProcess::isAlive).map(ServiceProcess::name)
                        .collect(Collectors.joining(", ")));
            }
            for (ServiceProcess sp : rest) {
                Thread t = new Thread(sp::stop, "company-agents-stop-" + sp.name());
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                joinQuietly(t);
            }
            KafkaBroker k = kafka;
            if (k != null && k.embedded()) {
                step("Stopping Kafka (pid " + k.pid() + ")");
                k.close();
            }
            PostgresServer pg = postgres;
            if (pg != null && pg.embedded()) {
                step("Stopping PostgreSQL (pid " + pg.pid() + ")");
                pg.close();
            }
            try {
                Files.deleteIfExists(layout.runFile());
            } catch (IOException ignored) {
                // stale run.json is detected by the next up
            }
            if (anything) {
                step("Stopped.");
            }
        } finally {
            synchronized (state) {
                closed = true;
                if (lock != null) {
                    lock.close();
                }
            }
            closedLatch.countDown();
        }
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitClosed() {
        try {
            closedLatch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isClosed() {
        synchronized (state) {
            return closed;
        }
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join(TimeUnit.SECONDS.toMillis(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void step(String line) {
        reporter.accept(line);
    }

    private static String seconds(long startNanos) {
        return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - startNanos) / 1e9);
    }
}
