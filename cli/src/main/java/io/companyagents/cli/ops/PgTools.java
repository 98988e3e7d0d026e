package io.companyagents.cli.ops;

import io.companyagents.cli.up.LaunchConfig;
import io.companyagents.cli.up.PostgresServer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds PostgreSQL client programs ({@code pg_dump}, {@code pg_restore}) and runs them. Looked for, in order:
 * {@code COMPANY_AGENTS_PG_BIN} (a bin directory), the embedded distribution's cache
 * ({@code <cache>/postgres/<PG-…>/bin}), {@code /usr/lib/postgresql/<major>/bin}, and the PATH. A tool is
 * usable when its major version is at least the one required ({@code pg_dump} refuses newer servers,
 * {@code pg_restore} newer archive formats); the newest usable one is taken.
 */
public final class PgTools {

    /** A found program. */
    public record Tool(Path path, String version, int major) {
        @Override
        public String toString() {
            return path + " (" + version + ")";
        }
    }

    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\)\\s+((\\d+)(\\.\\d+)*)");

    private PgTools() {
    }

    /** Every copy of the program found, newest first. */
    public static List<Tool> all(String program) {
        Set<Path> candidates = new LinkedHashSet<>();
        String env = System.getenv("COMPANY_AGENTS_PG_BIN");
        if (env != null && !env.isBlank()) {
            candidates.add(Path.of(env).resolve(program));
        }
        addBinDirs(candidates, LaunchConfig.defaultPgBinariesDir(), program);
        addBinDirs(candidates, Path.of("/usr/lib/postgresql"), program);
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (!dir.isBlank()) {
                    candidates.add(Path.of(dir).resolve(program));
                }
            }
        }
        List<Tool> tools = new ArrayList<>();
        Set<Path> seen = new LinkedHashSet<>();
        for (Path p : candidates) {
            if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
                continue;
            }
            try {
                if (!seen.add(p.toRealPath())) {
                    continue;
                }
            } catch (IOException e) {
                continue;
            }
            version(p).ifPresent(tools::add);
        }
        tools.sort(Comparator.comparingInt(Tool::major).reversed());
        return tools;
    }

    /** The newest copy of the program whose major version is at least {@code minMajor}. */
    public static Optional<Tool> find(String program, int minMajor) {
        return all(program).stream().filter(t -> t.major() >= minMajor).findFirst();
    }

    /** Why no usable program was found, for messages. */
    public static String notFound(String program, int minMajor) {
        List<Tool> all = all(program);
        return "no " + program + " of PostgreSQL " + minMajor + " or newer was found"
                + (all.isEmpty() ? "" : " (found only " + all.stream().map(Tool::toString).toList() + ")")
                + "; install the PostgreSQL " + minMajor + " client tools or set COMPANY_AGENTS_PG_BIN to their bin directory";
    }

    private static void addBinDirs(Set<Path> candidates, Path root, String program) {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            dirs.sorted(Comparator.reverseOrder()).forEach(d -> candidates.add(d.resolve("bin").resolve(program)));
        } catch (IOException ignored) {
            // not readable: skip
        }
    }

    static Optional<Tool> version(Path program) {
        try {
            Process p = new ProcessBuilder(program.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return Optional.empty();
            }
            Matcher m = VERSION.matcher(out);
            if (!m.find()) {
                return Optional.empty();
            }
            return Optional.of(new Tool(program, m.group(1), Integer.parseInt(m.group(2))));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Connection arguments for a server (the password goes into the environment, never the command line). */
    static List<String> connectionArgs(PostgresServer server) {
        Properties props = server.jdbcProperties();
        List<String> args = new ArrayList<>(List.of("--host=" + server.host(), "--port=" + server.port(),
                "--dbname=" + server.database()));
        if (props.getProperty("user") != null) {
            args.add("--username=" + props.getProperty("user"));
        }
        args.add("--no-password");
        return args;
    }

    static void environment(PostgresServer server, Map<String, String> env, boolean embedded) {
        Properties props = server.jdbcProperties();
        if (props.getProperty("password") != null) {
            env.put("PGPASSWORD", props.getProperty("password"));
        }
        if (embedded) {
            env.put("PGSSLMODE", "disable");
        }
        env.put("PGCONNECT_TIMEOUT", "10");
    }

    /** Result of a finished program. */
    public record Result(int exitCode, String output) {
        public String lastLines(int n) {
            String[] lines = output.strip().split("\n");
            return String.join(" | ", java.util.Arrays.asList(lines).subList(Math.max(0, lines.length - n), lines.length));
        }
    }

    /** Runs a program to completion, its stdout and stderr captured together (stdout may go to a file instead). */
    static Result run(List<String> command, Map<String, String> env, Path stdoutFile) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        Path log = Files.createTempFile("company-agents-pg", ".log");
        try {
            if (stdoutFile != null) {
                pb.redirectOutput(stdoutFile.toFile());
                pb.redirectError(log.toFile());
            } else {
                pb.redirectErrorStream(true);
                pb.redirectOutput(log.toFile());
            }
            Process p = pb.start();
            try {
                int code = p.waitFor();
                return new Result(code, Files.readString(log, StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running " + command.get(0));
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
