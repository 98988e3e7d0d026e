package io.companyagents.cli.up;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Helpers shared by the child processes (Kafka, services). */
public final class ChildProcesses {

    private static final Path SETSID = findSetsid();
    private static final String MARKER = "=== company-agents: ";

    private ChildProcesses() {
    }

    private static Path findSetsid() {
        for (String dir : new String[] {"/usr/bin", "/bin", "/usr/sbin", "/sbin"}) {
            Path p = Path.of(dir, "setsid");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Command prefix that puts the child in its own session, so a terminal Ctrl-C reaches only the CLI
     * (which then stops the children in order). {@code setsid} execs in place (a child of the JVM is no
     * process group leader), so the pid stays the java pid.
     */
    public static List<String> sessionPrefix(boolean useSetsid) {
        return useSetsid && SETSID != null ? List.of(SETSID.toString()) : List.of();
    }

    /** Appends a marker line to a log before a child starts writing to it. */
    public static void markLog(Path log, String what) {
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, System.lineSeparator() + MARKER + what + " at " + Instant.now()
                    + " ===" + System.lineSeparator(), StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // logging only
        }
    }

    /** The last {@code lines} lines of a text file (empty if unreadable). */
    public static List<String> tail(Path file, int lines) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            int chunk = (int) Math.min(length, 256 * 1024);
            byte[] bytes = new byte[chunk];
            raf.seek(length - chunk);
            raf.readFully(bytes);
            List<String> all = new ArrayList<>(Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\r?\n")));
            if (chunk < length && !all.isEmpty()) {
                all.remove(0); // partial first line
            }
            return all.subList(Math.max(0, all.size() - lines), all.size());
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * "the last n lines of <log>:" block for error messages: only lines written since the last start marker
     * (see {@link #markLog}).
     */
    public static String tailBlock(Path log, int lines) {
        List<String> tail = tail(log, 2000);
        for (int i = tail.size() - 1; i >= 0; i--) {
            if (tail.get(i).startsWith(MARKER)) {
                tail = tail.subList(i + 1, tail.size());
                break;
            }
        }
        tail = tail.subList(Math.max(0, tail.size() - lines), tail.size());
        if (tail.isEmpty()) {
            return "(" + log + " is empty)";
        }
        return "Last " + tail.size() + " lines of " + log + ":\n    " + String.join("\n    ", tail);
    }

    /**
     * SIGTERM, wait up to {@code grace}, then SIGKILL and wait. Returns true if it stopped within the grace
     * period.
     */
    public static boolean terminate(ProcessHandle process, Duration grace) {
        if (!process.isAlive()) {
            return true;
        }
        process.destroy();
        try {
            process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception timeoutOrInterrupt) {
            process.destroyForcibly();
            try {
                process.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // nothing more we can do
            }
            return false;
        }
    }

    /** Sends a signal by name (e.g. INT) with {@code kill}; false if that failed. */
    public static boolean signal(long pid, String signal) {
        try {
            Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Absolute form of a class path (children may run elsewhere). */
    public static String absoluteClasspath(String classpath) {
        List<String> out = new ArrayList<>();
        for (String entry : classpath.split(java.io.File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            if (entry.endsWith("*")) {
                String dir = entry.substring(0, entry.length() - 1);
                out.add(Path.of(dir.isEmpty() ? "." : dir).toAbsolutePath().normalize() + java.io.File.separator + "*");
            } else {
                out.add(Path.of(entry).toAbsolutePath().normalize().toString());
            }
        }
        return String.join(java.io.File.pathSeparator, out);
    }

    /** Exit code or "still running". */
    public static String describeExit(Process process) {
        if (process.isAlive()) {
            return "still running";
        }
        int code = process.exitValue();
        if (code > 128) {
            return "exit code " + code + " (signal " + (code - 128) + ")";
        }
        return "exit code " + code;
    }
}
