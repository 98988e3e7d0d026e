package io.companyagents.cli.ops;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Dumps the services' schemas in one snapshot and loads such a dump back.
 *
 * <p>Dumping: a repeatable-read, read-only transaction reads the figures for the manifest ({@link DbStats}) and
 * then either exports its snapshot to {@code pg_dump --snapshot} (format {@code pg-dump}, a custom-format archive)
 * or runs the built-in dumper in the same transaction (format {@code sql}). Either way the dump and the figures
 * describe the same instant, also while the services keep writing.
 *
 * <p>Loading: the built-in format is loaded in one transaction together with dropping the old schemas and the
 * check against the manifest, so a failure changes nothing. A {@code pg-dump} archive is loaded with
 * {@code pg_restore --single-transaction}; existing schemas are first renamed aside and only dropped once the
 * loaded data matched the manifest (renamed back otherwise).
 */
public final class DatabaseDump {

    public static final String SQL_FILE = "db/database.sql";
    public static final String PG_DUMP_FILE = "db/database.pgdump";

    private DatabaseDump() {
    }

    /** What {@link #dump} wrote, and the figures of its snapshot. */
    public record Result(Manifest.Dump dump, DbStats stats) {
    }

    /** @param format {@code auto}, {@code pg-dump} or {@code sql} */
    public static Result dump(DatabaseTarget target, String format, Path staging, Progress progress)
            throws IOException, SQLException {
        try (Connection c = target.server().connect()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            try {
                DbStats stats = DbStats.read(c);
                List<String> schemas = new ArrayList<>(stats.schemas().keySet());
                if (schemas.isEmpty()) {
                    throw Ops.fail("The database " + target.description() + " holds none of the schemas "
                            + String.join(", ", Ops.SCHEMAS) + "; nothing to back up.");
                }
                int serverMajor = stats.serverVersionNum() / 10000;
                Optional<PgTools.Tool> pgDump = format.equals(Manifest.FORMAT_SQL) ? Optional.empty()
                        : PgTools.find("pg_dump", serverMajor);
                if (format.equals(Manifest.FORMAT_PG_DUMP) && pgDump.isEmpty()) {
                    throw Ops.environment("--format pg-dump: " + PgTools.notFound("pg_dump", serverMajor)
                            + " (or use --format sql, the built-in dumper).");
                }
                progress.step("Snapshot taken: " + schemas.size() + " schemas, " + stats.totalTables() + " tables, "
                        + stats.totalRows() + " rows, " + stats.auditHeads().size() + " audit chain"
                        + (stats.auditHeads().size() == 1 ? "" : "s") + " (PostgreSQL "
                        + stats.serverVersion() + ")");
                Files.createDirectories(staging.resolve("db"));
                List<String> roles = SqlDumper.grantees(c, schemas);
                Manifest.Dump dump;
                long t0 = System.nanoTime();
                if (pgDump.isPresent()) {
                    PgTools.Tool tool = pgDump.get();
                    String snapshot;
                    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select pg_export_snapshot()")) {
                        rs.next();
                        snapshot = rs.getString(1);
                    }
                    progress.step("Dumping with " + tool + " (snapshot " + snapshot + ")");
                    Path file = staging.resolve(PG_DUMP_FILE);
                    List<String> cmd = new ArrayList<>(List.of(tool.path().toString(), "--format=custom", "--no-owner",
                            "--snapshot=" + snapshot, "--file=" + file));
                    for (String schema : schemas) {
                        cmd.add("--schema=" + schema);
                    }
                    if (tool.major() >= 14) {
                        for (String ext : extensions(c, schemas)) {
                            cmd.add("--extension=" + ext);
                        }
                    }
                    cmd.addAll(PgTools.connectionArgs(target.server()));
                    Map<String, String> env = new HashMap<>();
                    PgTools.environment(target.server(), env, target.embedded());
                    PgTools.Result r = PgTools.run(cmd, env, null);
                    if (r.exitCode() != 0) {
                        throw Ops.fail("pg_dump failed (exit " + r.exitCode() + "): " + r.lastLines(3));
                    }
                    dump = new Manifest.Dump(Manifest.FORMAT_PG_DUMP, PG_DUMP_FILE, "pg_dump (PostgreSQL) " + tool.version(),
                            tool.major(), "pg_dump --snapshot of a repeatable-read transaction", schemas, roles);
                } else {
                    if (format.equals("auto")) {
                        progress.step("Using the built-in dumper: " + PgTools.notFound("pg_dump", serverMajor));
                    } else {
                        progress.step("Dumping with the built-in dumper");
                    }
                    Path file = staging.resolve(SQL_FILE);
                    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                        new SqlDumper(c, progress).dump(schemas, out);
                    }
                    dump = new Manifest.Dump(Manifest.FORMAT_SQL, SQL_FILE, "company-agents built-in dumper "
                            + Ops.toolVersion(), 0, "one repeatable-read, read-only transaction", schemas, roles);
                }
                progress.step("Database dumped in " + Ops.seconds(t0) + " ("
                        + Ops.humanBytes(Files.size(staging.resolve(dump.file()))) + ")");
                return new Result(dump, stats);
            } finally {
                c.rollback();
            }
        }
    }

    private static List<String> extensions(Connection c, List<String> schemas) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select e.extname from pg_extension e join pg_namespace n "
                + "on n.oid = e.extnamespace where n.nspname = any(?)")) {
            ps.setArray(1, c.createArrayOf("text", schemas.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** What the target database holds of the services' schemas: schema → tables, and the total rows. */
    public record Occupancy(Map<String, Integer> tables, long rows) {
        public boolean empty() {
            return tables.values().stream().allMatch(n -> n == 0);
        }

        public String describe() {
            return "schemas " + String.join(", ", tables.keySet()) + " hold "
                    + tables.values().stream().mapToInt(Integer::intValue).sum() + " tables (" + rows + " rows)";
        }
    }

    public static Occupancy occupancy(Connection c) throws SQLException {
        Map<String, Integer> tables = new java.util.LinkedHashMap<>();
        long rows = 0;
        for (String schema : DbStats.presentSchemas(c)) {
            List<String> t = DbStats.tables(c, schema);
            tables.put(schema, t.size());
            for (String table : t) {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("select count(*) from " + DbStats.ident(schema) + "."
                                + DbStats.ident(table))) {
                    rs.next();
                    rows += rs.getLong(1);
                }
            }
        }
        return new Occupancy(tables, rows);
    }

    /**
     * Loads the dump into the target, replacing the services' schemas there (the caller checked that this is
     * wanted), and checks the result against the manifest. Returns the figures found after loading; throws
     * (with nothing changed) if loading failed or the figures differ from the manifest.
     */
    public static DbStats load(DatabaseTarget target, Manifest manifest, Path dumpFile, Progress progress)
            throws IOException, SQLException {
        if (manifest.dump().format().equals(Manifest.FORMAT_SQL)) {
            return loadSql(target, manifest, dumpFile, progress);
        }
        return loadPgDump(target, manifest, dumpFile, progress);
    }

    private static DbStats loadSql(DatabaseTarget target, Manifest manifest, Path dumpFile, Progress progress)
            throws IOException, SQLException {
        try (Connection c = target.server().connect()) {
            c.setAutoCommit(false);
            boolean committed = false;
            try {
                List<String> present = DbStats.presentSchemas(c);
                try (Statement s = c.createStatement()) {
                    for (String schema : present) {
                        s.execute("drop schema " + DbStats.ident(schema) + " cascade");
                    }
                }
                if (!present.isEmpty()) {
                    progress.step("Dropped schemas " + String.join(", ", present) + " (in the restore transaction)");
                }
                long t0 = System.nanoTime();
                progress.step("Loading " + manifest.dump().file() + " (" + Ops.humanBytes(Files.size(dumpFile)) + ")");
                try (InputStream in = Files.newInputStream(dumpFile)) {
                    SqlScript.load(in, c, progress);
                }
                try (Statement s = c.createStatement()) {
                    s.execute("select pg_catalog.set_config('search_path', '', true)");
                }
                progress.step("Loaded in " + Ops.seconds(t0) + "; checking against the manifest");
                DbStats after = DbStats.read(c);
                List<String> diffs = manifest.database().differencesTo(after);
                if (!diffs.isEmpty()) {
                    throw Ops.fail("The loaded data does not match the manifest (" + diffs.size() + " difference(s): "
                            + String.join("; ", diffs.subList(0, Math.min(5, diffs.size())))
                            + "); rolled back, nothing changed.");
                }
                c.commit();
                committed = true;
                return after;
            } catch (SQLException e) {
                throw Ops.fail("Loading the dump failed, rolled back, nothing changed: " + Ops.reason(e), e);
            } finally {
                if (!committed) {
                    c.rollback();
                }
            }
        }
    }

    private static DbStats loadPgDump(DatabaseTarget target, Manifest manifest, Path dumpFile, Progress progress)
            throws IOException, SQLException {
        PgTools.Tool tool = PgTools.find("pg_restore", Math.max(1, manifest.dump().toolMajor()))
                .orElseThrow(() -> Ops.environment("Cannot load " + manifest.dump().file() + " (written by "
                        + manifest.dump().tool() + "): " + PgTools.notFound("pg_restore", manifest.dump().toolMajor())));
        String suffix = "_before_restore_" + Long.toString(System.currentTimeMillis(), 36);
        List<String> renamed = new ArrayList<>();
        try (Connection c = target.server().connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                if (!manifest.dump().roles().isEmpty()) {
                    s.execute(SqlDumper.ensureRoles(manifest.dump().roles()));
                }
                for (String schema : DbStats.presentSchemas(c)) {
                    s.execute("alter schema " + DbStats.ident(schema) + " rename to " + DbStats.ident(schema + suffix));
                    renamed.add(schema);
                }
            }
            c.commit();
            if (!renamed.isEmpty()) {
                progress.step("Moved the existing schemas aside (" + String.join(", ", renamed) + " → *" + suffix
                        + ") until the restore is checked");
            }
        }
        boolean ok = false;
        try {
            long t0 = System.nanoTime();
            progress.step("Loading " + manifest.dump().file() + " with " + tool);
            List<String> cmd = new ArrayList<>(List.of(tool.path().toString(), "--no-owner",
                    "--single-transaction", "--exit-on-error"));
            cmd.addAll(PgTools.connectionArgs(target.server()));
            cmd.add(dumpFile.toString());
            Map<String, String> env = new HashMap<>();
            PgTools.environment(target.server(), env, target.embedded());
            PgTools.Result r = PgTools.run(cmd, env, null);
            if (r.exitCode() != 0) {
                throw Ops.fail("pg_restore failed (exit " + r.exitCode() + "): " + r.lastLines(3)
                        + "; nothing was loaded" + (renamed.isEmpty() ? "." : ", the previous schemas are put back."));
            }
            progress.step("Loaded in " + Ops.seconds(t0) + "; checking against the manifest");
            DbStats after;
            try (Connection c = target.server().connect()) {
                c.setAutoCommit(false);
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                after = DbStats.read(c);
                c.rollback();
            }
            List<String> diffs = manifest.database().differencesTo(after);
            if (!diffs.isEmpty()) {
                throw Ops.fail("The loaded data does not match the manifest (" + diffs.size() + " difference(s): "
                        + String.join("; ", diffs.subList(0, Math.min(5, diffs.size())))
                        + "); the loaded schemas are dropped" + (renamed.isEmpty() ? "." : " and the previous ones put back."));
            }
            ok = true;
            return after;
        } finally {
            try (Connection c = target.server().connect()) {
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    if (ok) {
                        for (String schema : renamed) {
                            s.execute("drop schema " + DbStats.ident(schema + suffix) + " cascade");
                        }
                    } else {
                        for (String schema : DbStats.presentSchemas(c)) {
                            s.execute("drop schema " + DbStats.ident(schema) + " cascade");
                        }
                        for (String schema : renamed) {
                            s.execute("alter schema " + DbStats.ident(schema + suffix) + " rename to "
                                    + DbStats.ident(schema));
                        }
                    }
                }
                c.commit();
            }
        }
    }

    /** {@code pg_restore --list} of a pg-dump archive: the TOC must be readable and hold every table's data. */
    public static List<String> checkPgDump(Manifest manifest, Path dumpFile) throws IOException {
        PgTools.Tool tool = PgTools.find("pg_restore", Math.max(1, manifest.dump().toolMajor()))
                .orElseThrow(() -> Ops.environment("Cannot check " + manifest.dump().file() + ": "
                        + PgTools.notFound("pg_restore", manifest.dump().toolMajor())));
        PgTools.Result r = PgTools.run(List.of(tool.path().toString(), "--list", dumpFile.toString()), Map.of(), null);
        List<String> problems = new ArrayList<>();
        if (r.exitCode() != 0) {
            problems.add("pg_restore --list failed (exit " + r.exitCode() + "): " + r.lastLines(2));
            return problems;
        }
        java.util.Set<String> data = new java.util.HashSet<>();
        for (String line : r.output().split("\n")) {
            // e.g. "3401; 0 16412 TABLE DATA agents companies postgres"
            int i = line.indexOf(" TABLE DATA ");
            if (!line.startsWith(";") && i > 0) {
                String[] parts = line.substring(i + " TABLE DATA ".length()).trim().split("\\s+");
                if (parts.length >= 2) {
                    data.add(parts[0] + "." + parts[1]);
                }
            }
        }
        manifest.database().schemas().forEach((schema, s) -> s.tables().keySet().forEach(table -> {
            if (!data.contains(schema + "." + table)) {
                problems.add("pg_restore --list shows no data for " + schema + "." + table);
            }
        }));
        return problems;
    }

    /** Reads a built-in SQL dump through: complete, and the rows of every table as the manifest says. */
    public static List<String> checkSql(Manifest manifest, Path dumpFile) throws IOException {
        List<String> problems = new ArrayList<>();
        try (InputStream in = Files.newInputStream(dumpFile)) {
            byte[] head = in.readNBytes(SqlDumper.HEADER.length());
            if (!new String(head, java.nio.charset.StandardCharsets.UTF_8).equals(SqlDumper.HEADER)) {
                problems.add(manifest.dump().file() + " does not start like a company-agents SQL dump");
                return problems;
            }
        }
        SqlScript.Summary summary;
        try (InputStream in = Files.newInputStream(dumpFile)) {
            summary = SqlScript.scan(in);
        } catch (IOException e) {
            problems.add(manifest.dump().file() + ": " + Ops.reason(e));
            return problems;
        }
        if (!summary.complete()) {
            problems.add(manifest.dump().file() + " lacks its end marker (truncated?)");
        }
        manifest.database().schemas().forEach((schema, s) -> s.tables().forEach((table, rows) -> {
            Long got = summary.rows().get(schema + "." + table);
            if (got == null) {
                problems.add(manifest.dump().file() + " has no data for " + schema + "." + table);
            } else if (!got.equals(rows)) {
                problems.add(manifest.dump().file() + " has " + got + " rows for " + schema + "." + table
                        + ", the manifest says " + rows);
            }
        }));
        return problems;
    }
}
