package io.companyagents.cli.testing;

import io.companyagents.cli.up.LaunchConfig;
import io.companyagents.cli.up.Ports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/** Directories under target/, free ports, and a stack of things to close even when a test fails. */
public final class TestSupport implements AutoCloseable {

    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();

    private static final Path BASE = Path.of(System.getProperty("company-agents.test.work", "target/it"))
            .toAbsolutePath();

    static {
        // instance directories of earlier runs (kept after a run for debugging) are removed once per test JVM
        deleteTree(BASE);
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not clean " + root + ": " + e);
        }
    }

    public static Path workDir(String name) {
        Path base = BASE;
        try {
            return Files.createDirectories(base.resolve(name + "-" + System.currentTimeMillis())).toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Cache root for the CLI's {@code company-agents.cache-dir} (PostgreSQL binaries in {@code postgres/}). */
    public static Path cacheDir() {
        return Path.of(System.getProperty("company-agents.test.cache", "target/cache")).toAbsolutePath();
    }

    public static Path pgBinaries() {
        return cacheDir().resolve("postgres");
    }

    /** A config on free ports, binaries cached under target/, 60 s readiness budget. */
    public static LaunchConfig config(Path instanceDir, Path home) {
        int kafkaPort = Ports.freePortBlock(2);
        int serviceBase = Ports.freePortBlock(5);
        int gateway = Ports.freePort();
        int pg = Ports.freePort();
        return LaunchConfig.defaults(instanceDir, home)
                .withPorts(gateway, serviceBase, pg, kafkaPort)
                .withPgBinariesDir(pgBinaries())
                .withReadyTimeout(Duration.ofSeconds(60));
    }

    public static Consumer<String> reporter(String prefix) {
        return line -> System.out.println("[" + prefix + "] " + line);
    }

    public <T extends AutoCloseable> T register(T closeable) {
        toClose.push(closeable);
        return closeable;
    }

    public void register(Process process) {
        toClose.push(() -> {
            process.destroy();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        });
    }

    @Override
    public void close() {
        while (!toClose.isEmpty()) {
            try {
                toClose.pop().close();
            } catch (Exception e) {
                System.err.println("cleanup failed: " + e);
            }
        }
    }

    /** Waits until the process handle is gone (or fails after the timeout). */
    public static boolean awaitGone(long pid, Duration timeout) {
        return ProcessHandle.of(pid).map(h -> {
            try {
                h.onExit().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                return true;
            } catch (Exception e) {
                return !h.isAlive();
            }
        }).orElse(true);
    }
}
