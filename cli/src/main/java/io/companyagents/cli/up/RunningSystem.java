package io.companyagents.cli.up;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The running embedded default returned by {@link SystemLauncher#launch()}. Names are the component ids
 * {@code agents, tasks, ledger, audit, secrets, gateway} (module names such as {@code tasks-service} work too).
 */
public final class RunningSystem implements AutoCloseable {

    private final SystemLauncher launcher;
    private final boolean adminKeyExisted;
    private final Duration startupTime;

    RunningSystem(SystemLauncher launcher, boolean adminKeyExisted, Duration startupTime) {
        this.launcher = launcher;
        this.adminKeyExisted = adminKeyExisted;
        this.startupTime = startupTime;
    }

    public LaunchConfig config() {
        return launcher.config();
    }

    public Path instanceDir() {
        return launcher.layout().root();
    }

    public InstanceLayout layout() {
        return launcher.layout();
    }

    /** {@code http://127.0.0.1:<gateway port>}. */
    public String gatewayUrl() {
        return serviceUrl(Component.GATEWAY.id());
    }

    /** {@code http://127.0.0.1:<port>} of a service or the gateway. */
    public String serviceUrl(String name) {
        return launcher.config().url(Component.byId(name));
    }

    public String databaseUrl() {
        return launcher.postgres().databaseUrl();
    }

    public String kafkaBootstrapServers() {
        return launcher.kafka().bootstrapServers();
    }

    public PostgresServer postgres() {
        return launcher.postgres();
    }

    public KafkaBroker kafka() {
        return launcher.kafka();
    }

    /** {@code <instance>/admin.key}, written by the gateway on its first start. */
    public Path adminKeyFile() {
        return launcher.layout().adminKey();
    }

    /** True if admin.key did not exist before this launch (the gateway created it now). */
    public boolean adminKeyCreated() {
        return !adminKeyExisted && Files.exists(adminKeyFile());
    }

    /** The bootstrap admin API key (content of admin.key, trimmed). */
    public String adminKey() {
        try {
            return Files.readString(adminKeyFile(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the admin key " + adminKeyFile()
                    + " (the gateway writes it on its first start)", e);
        }
    }

    /** Time from the start of the launch until the gateway was ready. */
    public Duration startupTime() {
        return startupTime;
    }

    public Instant startedAt() {
        return launcher.startedAt();
    }

    /** Pid of a service/gateway child (-1 if not running). */
    public long pid(String name) {
        ServiceProcess sp = launcher.service(Component.byId(name));
        return sp == null || !sp.isAlive() ? -1 : sp.pid();
    }

    public boolean isAlive(String name) {
        ServiceProcess sp = launcher.service(Component.byId(name));
        return sp != null && sp.isAlive();
    }

    public Path logFile(String name) {
        return launcher.layout().log(Component.byId(name).id());
    }

    /** SIGTERM one service (or the gateway), SIGKILL after 20 s; the others keep running. */
    public void stop(String name) {
        launcher.restart(Component.byId(name), false);
    }

    /** Starts a stopped service (or the gateway) again and waits until it is ready. */
    public void start(String name) {
        launcher.restart(Component.byId(name), true);
    }

    /** Blocks until the system has been closed (for the foreground {@code up}). */
    public void awaitClosed() {
        launcher.awaitClosed();
    }

    public boolean isClosed() {
        return launcher.isClosed();
    }

    /** Stops everything (gateway, services, Kafka, Postgres) and removes run.json. */
    @Override
    public void close() {
        launcher.close();
    }
}
