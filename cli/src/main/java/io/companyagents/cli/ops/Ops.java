package io.companyagents.cli.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.companyagents.cli.CompanyAgents;
import io.companyagents.cli.up.LaunchException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** Shared constants and small helpers of the operations commands (backup, db, audit, keys). */
public final class Ops {

    /** The six schemas, one per service, in the order they are dumped and restored. */
    public static final List<String> SCHEMAS = List.of("agents", "tasks", "ledger", "audit", "secrets", "gateway");

    /** Exit code of a failed operation (bad archive, mismatching verification, refused restore). */
    public static final int EXIT_FAILED = LaunchException.EXIT_FAILED;
    /** Exit code of an environment problem (instance running, no tool, unreachable database). */
    public static final int EXIT_ENVIRONMENT = LaunchException.EXIT_ENVIRONMENT;

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .findAndRegisterModules();

    private Ops() {
    }

    /** A failure the user can act on: printed as one line, the CLI exits non-zero. */
    public static LaunchException fail(String message) {
        return new LaunchException(EXIT_FAILED, message);
    }

    public static LaunchException fail(String message, Throwable cause) {
        return new LaunchException(EXIT_FAILED, message, cause);
    }

    public static LaunchException environment(String message) {
        return new LaunchException(EXIT_ENVIRONMENT, message);
    }

    public static String toolVersion() {
        String v = CompanyAgents.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String humanBytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double v = bytes;
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }

    public static String seconds(long startNanos) {
        return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - startNanos) / 1e9);
    }

    /**
     * Runs {@code cleanup} if the JVM exits (Ctrl-C) before the returned handle is closed; closing it runs
     * {@code cleanup} now and removes the hook. For temporary directories with copies of keys, a PostgreSQL
     * started for one operation, half-written archives.
     */
    public static Cleanup onExit(Runnable cleanup) {
        Thread hook = new Thread(cleanup, "company-agents-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        return () -> {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                return; // the hook runs (or ran) it
            }
            cleanup.run();
        };
    }

    /** See {@link #onExit(Runnable)}. */
    public interface Cleanup extends AutoCloseable {
        @Override
        void close();
    }

    /** Deletes a directory tree, quietly. */
    public static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }

    static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** A message without a trailing period, for "…: cause" sentences. */
    static String reason(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            m = e.getClass().getSimpleName();
        }
        m = m.strip().replaceAll("\\s*\\n\\s*", " ");
        return m.endsWith(".") ? m.substring(0, m.length() - 1) : m;
    }
}
