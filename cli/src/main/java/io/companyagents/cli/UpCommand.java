package io.companyagents.cli;

import io.companyagents.cli.up.LaunchConfig;
import io.companyagents.cli.up.LaunchException;
import io.companyagents.cli.up.RunningSystem;
import io.companyagents.cli.up.SystemLauncher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code company-agents up}: the embedded default, in the foreground until Ctrl-C. */
@Command(name = "up", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Start embedded PostgreSQL 16, a single-node Kafka, the five services and the gateway; wait until all "
                    + "are ready, print the gateway URL and the admin API key, and stay in the foreground.",
            "Ctrl-C (or SIGTERM) stops everything in order.",
            "DATABASE_URL set: use that Postgres. KAFKA_BOOTSTRAP_SERVERS set: use that Kafka."})
public class UpCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    InstanceOptions instanceOptions;

    @Option(names = "--gateway-port", paramLabel = "PORT", defaultValue = "${env:COMPANY_AGENTS_GATEWAY_PORT:-8080}",
            description = "Gateway port (default: ${DEFAULT-VALUE}, env COMPANY_AGENTS_GATEWAY_PORT).")
    int gatewayPort;

    @Option(names = "--service-port-base", paramLabel = "PORT",
            defaultValue = "${env:COMPANY_AGENTS_SERVICE_PORT_BASE:-8181}",
            description = "First service port: agents, tasks, ledger, audit, secrets use PORT..PORT+4 "
                    + "(default: ${DEFAULT-VALUE}, env COMPANY_AGENTS_SERVICE_PORT_BASE).")
    int servicePortBase;

    @Option(names = "--pg-port", paramLabel = "PORT", defaultValue = "${env:COMPANY_AGENTS_PG_PORT:-15432}",
            description = "Embedded PostgreSQL port (default: ${DEFAULT-VALUE}, env COMPANY_AGENTS_PG_PORT).")
    int pgPort;

    @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "${env:COMPANY_AGENTS_KAFKA_PORT:-19092}",
            description = "Embedded Kafka port; the controller uses PORT+1 (default: ${DEFAULT-VALUE}, "
                    + "env COMPANY_AGENTS_KAFKA_PORT).")
    int kafkaPort;

    @Option(names = "--home", paramLabel = "DIR", defaultValue = "${env:COMPANY_AGENTS_HOME}",
            description = "Directory holding <module>/target/quarkus-app/quarkus-run.jar (env COMPANY_AGENTS_HOME; "
                    + "default: system property company-agents.home, else the current directory).")
    Path home;

    @Option(names = "--database-url", paramLabel = "URL", defaultValue = "${env:DATABASE_URL}",
            description = "Use this Postgres (postgres://user:pass@host:port/db) instead of the embedded one "
                    + "(env DATABASE_URL).")
    String databaseUrl;

    @Option(names = "--kafka-bootstrap-servers", paramLabel = "HOST:PORT",
            defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS}",
            description = "Use this Kafka instead of the embedded one (env KAFKA_BOOTSTRAP_SERVERS).")
    String kafkaBootstrapServers;

    @Option(names = "--ready-timeout", paramLabel = "SECONDS",
            defaultValue = "${env:COMPANY_AGENTS_READY_TIMEOUT:-180}",
            description = "How long the services and gateway may take to become ready (default: ${DEFAULT-VALUE}).")
    int readyTimeoutSeconds;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LaunchConfig config = config();
        SystemLauncher launcher = new SystemLauncher(config, line -> {
            err.println(line);
            err.flush();
        });
        Thread hook = new Thread(() -> {
            launcher.close();
            haltIfShutdownHangs(err);
        }, "company-agents-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        RunningSystem system;
        try {
            system = launcher.launch();
        } catch (LaunchException e) {
            removeHook(hook);
            throw e;
        } catch (RuntimeException e) {
            launcher.close();
            removeHook(hook);
            throw e;
        }
        printBanner(out, system);
        system.awaitClosed();
        return 0;
    }

    LaunchConfig config() {
        Path homeDir = home;
        if (homeDir == null) {
            String prop = System.getProperty("company-agents.home");
            homeDir = prop == null || prop.isBlank() ? Path.of("") : Path.of(prop);
        }
        return LaunchConfig.defaults(instanceOptions.resolve(), homeDir)
                .withPorts(gatewayPort, servicePortBase, pgPort, kafkaPort)
                .withDatabaseUrl(databaseUrl)
                .withKafkaBootstrapServers(kafkaBootstrapServers)
                .withReadyTimeout(Duration.ofSeconds(readyTimeoutSeconds));
    }

    /** How long the JVM may take to exit once everything `up` started has stopped. */
    static final long EXIT_GRACE_MILLIS = 15_000;

    /**
     * Everything is stopped; what is left is the JVM's own exit, which runs every library's
     * shutdown hook. One that hangs must not keep {@code up} from ending on Ctrl-C: after a grace
     * period, a watchdog prints where each thread is (to find the culprit) and halts.
     */
    private static void haltIfShutdownHangs(PrintWriter err) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(EXIT_GRACE_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            err.println("The JVM did not exit " + EXIT_GRACE_MILLIS / 1000 + " s after everything stopped; halting. Threads:");
            Thread.getAllStackTraces().forEach((thread, stack) -> {
                err.println("  " + thread.getName() + (thread.isDaemon() ? " (daemon)" : "") + " " + thread.getState());
                for (StackTraceElement frame : stack) {
                    err.println("      at " + frame);
                }
            });
            err.flush();
            Runtime.getRuntime().halt(130);
        }, "company-agents-exit-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }

    static void printBanner(PrintWriter out, RunningSystem system) {
        Path keyFile = system.adminKeyFile();
        out.println();
        out.println(String.format(Locale.ROOT, "company-agents is up (ready in %.1f s).",
                system.startupTime().toMillis() / 1000.0));
        out.println("Gateway: " + system.gatewayUrl());
        if (system.adminKeyCreated()) {
            out.println("Admin API key (shown once, also in " + keyFile + "): " + system.adminKey());
        } else if (java.nio.file.Files.exists(keyFile)) {
            out.println("Admin API key: in " + keyFile);
        } else {
            out.println("Admin API key: not found (the gateway did not write " + keyFile + ")");
        }
        out.println("Try: curl -H \"Authorization: Bearer $(cat " + keyFile + ")\" " + system.gatewayUrl()
                + "/api/v1/me");
        out.println("Logs: " + system.layout().logs());
        out.println("Press Ctrl-C to stop.");
        out.flush();
    }
}
