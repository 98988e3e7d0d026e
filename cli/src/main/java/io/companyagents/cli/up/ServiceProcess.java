package io.companyagents.cli.up;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** One application child: {@code java <jvm options> -jar <module>/target/quarkus-app/quarkus-run.jar}. */
public final class ServiceProcess {

    static final Duration STOP_GRACE = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1))
            .version(HttpClient.Version.HTTP_1_1).build();

    private final Component component;
    private final LaunchConfig config;
    private final Path log;
    private final Map<String, String> environment;
    private final Path watchdogAgent;
    private final Consumer<String> reporter;
    private Process process;
    private volatile boolean stopping;
    /** Unexpected exits are reported only once the child has been ready (startup failures are reported by awaitReady). */
    private volatile boolean watching;

    ServiceProcess(Component component, LaunchConfig config, InstanceLayout layout, Map<String, String> environment,
            Path watchdogAgent, Consumer<String> reporter) {
        this.component = component;
        this.config = config;
        this.log = layout.log(component.id());
        this.environment = Map.copyOf(environment);
        this.watchdogAgent = watchdogAgent;
        this.reporter = reporter;
    }

    public Component component() {
        return component;
    }

    public String name() {
        return component.id();
    }

    public int port() {
        return config.port(component);
    }

    public String url() {
        return config.url(component);
    }

    public Path log() {
        return log;
    }

    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    synchronized Process process() {
        return process;
    }

    List<String> command() {
        List<String> command = new ArrayList<>(ChildProcesses.sessionPrefix(config.useSetsid()));
        command.add(config.javaExecutable());
        command.addAll(config.serviceJvmArgs());
        if (watchdogAgent != null) {
            command.add(ParentWatchdog.jvmOption(watchdogAgent));
        }
        command.add("-jar");
        command.add(config.serviceJar(component).toString());
        return command;
    }

    /** Starts the child (does not wait for readiness). */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name() + " is already running (pid " + process.pid() + ")");
        }
        Path jar = config.serviceJar(component);
        if (!Files.isRegularFile(jar)) {
            throw missingJar(component, jar);
        }
        if (!Ports.isFree(port())) {
            throw new LaunchException(LaunchException.EXIT_ENVIRONMENT, "Port " + port() + " (" + name()
                    + ") is already in use on 127.0.0.1.");
        }
        ChildProcesses.markLog(log, "starting " + name() + " on port " + port());
        ProcessBuilder builder = new ProcessBuilder(command())
                .directory(config.instanceDir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        try {
            stopping = false;
            watching = false;
            Process started = builder.start();
            process = started;
            started.onExit().thenAccept(p -> {
                if (watching && !stopping && processIs(p)) {
                    reporter.accept("WARNING: " + name() + " (pid " + p.pid() + ") exited unexpectedly with "
                            + ChildProcesses.describeExit(p) + "; see " + log);
                }
            });
        } catch (IOException e) {
            throw new LaunchException(LaunchException.EXIT_FAILED, "Cannot start " + name() + ": " + e.getMessage(), e);
        }
    }

    private synchronized boolean processIs(Process p) {
        return process == p;
    }

    static LaunchException missingJar(Component component, Path jar) {
        return new LaunchException(LaunchException.EXIT_ENVIRONMENT, "Missing " + jar + " (" + component.id()
                + "). Build it with: ./mvnw -q -B package -DskipTests -pl " + component.module() + " -am"
                + "   (or run ./company-agents from the repository root, which builds what is missing)");
    }

    /**
     * Polls {@code GET /q/health/ready} until 200. Throws (with the last 30 log lines) if the child exits or
     * the deadline ({@link System#nanoTime()}) passes.
     */
    public void awaitReady(long deadlineNanos) {
        Process p = process();
        if (p == null) {
            throw new IllegalStateException(name() + " was not started");
        }
        while (true) {
            if (!p.isAlive()) {
                throw new LaunchException(LaunchException.EXIT_FAILED, name() + " exited during startup ("
                        + ChildProcesses.describeExit(p) + ").\n" + ChildProcesses.tailBlock(log, 30));
            }
            if (isReady(url(), Duration.ofSeconds(2))) {
                watching = true;
                return;
            }
            if (System.nanoTime() > deadlineNanos) {
                throw new LaunchException(LaunchException.EXIT_FAILED, name() + " (pid " + p.pid()
                        + ") did not become ready at " + url() + "/q/health/ready in time.\n"
                        + ChildProcesses.tailBlock(log, 30));
            }
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LaunchException(LaunchException.EXIT_FAILED, "Interrupted while waiting for " + name(), e);
            }
        }
    }

    /** True if {@code <baseUrl>/q/health/ready} answers 200. */
    public static boolean isReady(String baseUrl, Duration timeout) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/q/health/ready")).timeout(timeout).GET()
                    .build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGTERM, wait up to 20 s, then SIGKILL. */
    public void stop() {
        Process p;
        synchronized (this) {
            p = process;
            stopping = true;
        }
        if (p != null) {
            ChildProcesses.terminate(p.toHandle(), STOP_GRACE);
        }
    }
}
