package io.companyagents.cli.ops;

import io.companyagents.cli.up.InstanceLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** {@code company-agents backup create | list | verify | restore}. */
@Command(name = "backup", description = "Back up an instance (database, secrets/, runs/, admin.key) and restore it.",
        subcommands = {BackupCommand.Create.class, BackupCommand.ListBackups.class, BackupCommand.Verify.class,
            BackupCommand.Restore.class})
public class BackupCommand {

    static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** {@code backup create}. */
    @Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Write a .tar.gz with a consistent dump of the six schemas (one snapshot), the instance's "
                    + "secrets/ (master key, audit signing key, internal JWT keys), runs/ and admin.key, and "
                    + "manifest.json (versions, Flyway heads, rows per table, audit chain heads, SHA-256 of every file).",
                "Works while the system runs (a live snapshot) and while it is stopped (the embedded PostgreSQL "
                    + "is started for the dump and stopped again).",
                "The archive holds the keys that decrypt the secrets: store it like a secret."})
    public static class Create extends OpsCommand {

        @Option(names = {"-o", "--output"}, paramLabel = "FILE",
                description = "Archive to write (default: <instance>/backups/company-agents-<instance>-<time>.tar.gz).")
        Path output;

        @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "auto",
                description = "Database dump: pg-dump (pg_dump custom archive; needs pg_dump of the server's major "
                        + "version or newer), sql (built-in dumper, plain SQL), auto (pg-dump when such a pg_dump is "
                        + "installed, else sql). Default: ${DEFAULT-VALUE}.")
        String format;

        @Option(names = "--database-url", paramLabel = "URL", defaultValue = "${env:DATABASE_URL}",
                description = "Back up this PostgreSQL (postgres://user:pass@host:port/db) instead of the "
                        + "instance's embedded one (env DATABASE_URL).")
        String databaseUrl;

        @Override
        public Integer call() throws Exception {
            checkFormat(format);
            Progress progress = progress();
            InstanceLayout layout = layout();
            Path file = (output != null ? output
                    : layout.backups().resolve("company-agents-" + instanceName(layout.root()) + "-"
                            + STAMP.format(Instant.now()) + ".tar.gz")).toAbsolutePath().normalize();
            if (Files.exists(file)) {
                throw Ops.environment(file + " already exists; choose another --output.");
            }
            if (Ops.blank(databaseUrl) && !Files.isDirectory(layout.root())) {
                throw Ops.environment("No instance at " + layout.root() + " (use --instance NAME or --instance-dir DIR).");
            }
            Files.createDirectories(file.getParent());
            long t0 = System.nanoTime();
            Path staging = BackupArchive.tempDir(file.getParent(), ".company-agents-backup-");
            try (Ops.Cleanup cleanup = Ops.onExit(() -> Ops.deleteTree(staging))) {
                DatabaseDump.Result result;
                Manifest.Source source;
                List<String> files;
                try (DatabaseTarget target = DatabaseTarget.open(layout, databaseUrl, DatabaseTarget.Mode.READ, false,
                        null, progress)) {
                    result = DatabaseDump.dump(target, format, staging, progress);
                    // after the snapshot: a key rotated meanwhile is in the copied key file too
                    files = InstanceFiles.stage(layout, staging);
                    source = new Manifest.Source(target.description(), target.embedded(), target.systemRunning());
                }
                progress.step("Copied " + String.join(", ", files));
                Manifest manifest = manifest(Manifest.KIND_BACKUP, layout, source, result,
                        BackupArchive.describe(staging));
                progress.step("Writing " + file);
                BackupArchive.write(file, manifest, staging);
                double seconds = (System.nanoTime() - t0) / 1e9;
                long size = Files.size(file);
                say(String.format(Locale.ROOT, "Backup written: %s (%s) in %.1f s", file, Ops.humanBytes(size), seconds));
                say("  database: " + summary(manifest));
                say("  files: " + InstanceFiles.describe(manifest));
                say("  it holds the keys that decrypt the secrets: keep it as safe as the instance itself.");
                Map<String, Object> j = result(file, size, seconds, manifest);
                printJson(j);
                return 0;
            }
        }
    }

    /** {@code backup list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the backups in <instance>/backups/ with date, size and counts.")
    public static class ListBackups extends OpsCommand {

        @Option(names = "--dir", paramLabel = "DIR", description = "List this directory instead of <instance>/backups/.")
        Path dir;

        @Override
        public Integer call() throws Exception {
            Path backups = dir != null ? dir.toAbsolutePath().normalize() : layout().backups();
            List<Path> archives = new ArrayList<>();
            if (Files.isDirectory(backups)) {
                try (Stream<Path> list = Files.list(backups)) {
                    archives = list.filter(p -> p.getFileName().toString().endsWith(".tar.gz") && Files.isRegularFile(p))
                            .sorted().toList();
                }
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Path p : archives) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("file", p.toString());
                row.put("size", Files.size(p));
                try {
                    Manifest m = BackupArchive.readManifest(p);
                    row.put("createdAt", m.createdAt());
                    row.put("kind", m.kind());
                    row.put("format", m.dump().format());
                    row.put("postgres", m.database().serverVersion());
                    row.put("tables", m.database().totalTables());
                    row.put("rows", m.database().totalRows());
                    row.put("auditChains", m.database().auditHeads().size());
                    row.put("files", m.files().size());
                } catch (BackupArchive.BadArchiveException e) {
                    row.put("error", "unreadable: " + e.getMessage());
                }
                rows.add(row);
            }
            if (json) {
                printJson(Map.of("directory", backups.toString(), "backups", rows));
                return 0;
            }
            if (rows.isEmpty()) {
                say("No backups in " + backups + " (make one with: company-agents backup create).");
                return 0;
            }
            say("Backups in " + backups);
            say(String.format(Locale.ROOT, "%-20s %-10s %-9s %-8s %-7s %-9s %-7s %s", "CREATED", "SIZE", "KIND", "FORMAT",
                    "TABLES", "ROWS", "CHAINS", "FILE"));
            for (Map<String, Object> r : rows) {
                String name = Path.of((String) r.get("file")).getFileName().toString();
                if (r.containsKey("error")) {
                    say(String.format(Locale.ROOT, "%-20s %-10s %s  %s", "?", Ops.humanBytes((Long) r.get("size")),
                            r.get("error"), name));
                    continue;
                }
                String created = ((String) r.get("createdAt")).replace('T', ' ');
                created = created.length() > 19 ? created.substring(0, 19) : created;
                say(String.format(Locale.ROOT, "%-20s %-10s %-9s %-8s %-7d %-9d %-7d %s", created,
                        Ops.humanBytes((Long) r.get("size")), r.get("kind"), r.get("format"), (Integer) r.get("tables"),
                        (Long) r.get("rows"), (Integer) r.get("auditChains"), name));
            }
            return 0;
        }
    }

    /** {@code backup verify FILE}. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check a backup without restoring it: gzip and tar structure, manifest sanity, size and "
                    + "SHA-256 of every file, and that the database dump reads back (pg_restore --list for a "
                    + "pg-dump archive; a full read of a SQL dump, rows per table against the manifest).",
                "Exit code 0: good; 1: damaged (the first problem is printed)."})
    public static class Verify extends OpsCommand {

        @Parameters(paramLabel = "FILE", description = "The backup (.tar.gz).")
        Path file;

        @Override
        public Integer call() throws Exception {
            Path f = file.toAbsolutePath().normalize();
            long t0 = System.nanoTime();
            Progress progress = progress();
            progress.step("Reading " + f);
            Path staging = BackupArchive.tempDir(f.getParent(), ".company-agents-verify-");
            try (Ops.Cleanup cleanup = Ops.onExit(() -> Ops.deleteTree(staging))) {
                BackupArchive.Contents contents = extract(f, staging, name -> name.startsWith("db/"));
                Manifest m = contents.manifest();
                progress.step("Archive intact: " + m.files().size() + " files match their SHA-256; checking the dump");
                List<String> problems = m.dump().format().equals(Manifest.FORMAT_SQL)
                        ? DatabaseDump.checkSql(m, contents.dumpFile()) : DatabaseDump.checkPgDump(m, contents.dumpFile());
                if (!problems.isEmpty()) {
                    throw Ops.fail("Backup " + f + " is damaged: " + String.join("; ", problems.subList(0,
                            Math.min(5, problems.size()))));
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                say(String.format(Locale.ROOT, "Backup %s is good (checked in %.1f s).", f, seconds));
                say("  " + m.kind() + " of " + m.createdAt() + " by company-agents " + m.toolVersion() + ", PostgreSQL "
                        + m.database().serverVersion());
                say("  database: " + summary(m));
                say("  files: " + m.files().size() + " with matching SHA-256 (" + InstanceFiles.describe(m) + ")");
                Map<String, Object> j = result(f, Files.size(f), seconds, m);
                j.put("ok", true);
                printJson(j);
                return 0;
            }
        }
    }

    /** {@code backup restore FILE [--force]}. */
    @Command(name = "restore", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Restore a backup into an instance: the six schemas (with pg_restore, or the built-in "
                    + "loader for a SQL dump), secrets/, runs/ and admin.key; then check that every table's rows, "
                    + "the Flyway heads and every company's audit chain head match the manifest.",
                "The instance must be stopped (or give --database-url for an external database). The archive is "
                    + "verified completely before anything is touched: a damaged one changes nothing.",
                "Refuses to replace existing data without --force; with --force the six schemas are dropped first "
                    + "and differing secrets/, runs/, admin.key are moved aside (*.replaced-<time>), never deleted."})
    public static class Restore extends OpsCommand {

        @Parameters(paramLabel = "FILE", description = "The backup (.tar.gz).")
        Path file;

        @Option(names = "--force", description = "Replace existing data (drops the six schemas first).")
        boolean force;

        @Option(names = "--database-url", paramLabel = "URL", defaultValue = "${env:DATABASE_URL}",
                description = "Restore the database into this PostgreSQL instead of the instance's embedded one "
                        + "(env DATABASE_URL).")
        String databaseUrl;

        @Override
        public Integer call() throws Exception {
            Path f = file.toAbsolutePath().normalize();
            InstanceLayout layout = layout();
            Progress progress = progress();
            long t0 = System.nanoTime();
            progress.step("Reading and verifying " + f);
            Path staging = BackupArchive.tempDir(null, "company-agents-restore-");
            try (Ops.Cleanup cleanup = Ops.onExit(() -> Ops.deleteTree(staging))) {
                BackupArchive.Contents contents = extract(f, staging, name -> true);
                Manifest m = contents.manifest();
                if (m.dump().format().equals(Manifest.FORMAT_SQL)) {
                    List<String> problems = DatabaseDump.checkSql(m, contents.dumpFile());
                    if (!problems.isEmpty()) {
                        throw Ops.fail("Backup " + f + " is damaged: " + String.join("; ", problems) + "; nothing changed.");
                    }
                }
                progress.step("Backup intact (" + m.kind() + " of " + m.createdAt() + ": " + summary(m) + ")");
                boolean withFiles = m.kind().equals(Manifest.KIND_BACKUP);
                RestoreOutcome outcome = restoreDatabase(layout, databaseUrl, force, m, contents, progress,
                        withFiles ? () -> InstanceFiles.conflicts(layout, m, staging) : List::of);
                List<String> installed = List.of();
                if (withFiles) {
                    installed = InstanceFiles.install(layout, m, staging);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                say(String.format(Locale.ROOT, "Restored %s into %s in %.1f s.", f, outcome.where(), seconds));
                say("Verified: " + outcome.verification());
                if (withFiles) {
                    say("Files restored: " + String.join(", ", installed));
                }
                if (Ops.blank(databaseUrl)) {
                    say("Start it with: company-agents up --instance-dir " + layout.root());
                }
                Map<String, Object> j = result(f, Files.size(f), seconds, m);
                j.put("restoredInto", outcome.where());
                j.put("verified", true);
                j.put("verification", outcome.verification());
                j.put("files", installed);
                printJson(j);
                return 0;
            }
        }
    }

    record RestoreOutcome(String where, String verification) {
    }

    interface Conflicts {
        List<String> find() throws IOException;
    }

    /** The shared part of {@code backup restore} and {@code db import}: checks, load, verification. */
    static RestoreOutcome restoreDatabase(InstanceLayout layout, String databaseUrl, boolean force, Manifest m,
            BackupArchive.Contents contents, Progress progress, Conflicts fileConflicts) throws IOException, SQLException {
        try (DatabaseTarget target = DatabaseTarget.open(layout, databaseUrl, DatabaseTarget.Mode.WRITE,
                Ops.blank(databaseUrl), null, progress)) {
            DatabaseDump.Occupancy occupancy;
            try (var c = target.server().connect()) {
                occupancy = DatabaseDump.occupancy(c);
                checkServerVersion(c, m, progress);
            }
            List<String> conflicts = new ArrayList<>(fileConflicts.find());
            if (!occupancy.empty()) {
                conflicts.add(0, "the database (" + target.description() + ") is not empty: " + occupancy.describe());
            }
            if (!conflicts.isEmpty()) {
                if (!force) {
                    throw Ops.fail("Refusing to overwrite existing data: " + String.join("; ", conflicts)
                            + ". Nothing was changed. Run again with --force to replace it (the six schemas are "
                            + "dropped first; differing files are moved aside, not deleted).");
                }
                progress.step("--force: replacing existing data (" + String.join("; ", conflicts) + ")");
            }
            DbStats after = DatabaseDump.load(target, m, contents.dumpFile(), progress);
            return new RestoreOutcome(target.description(), verification(after));
        }
    }

    private static void checkServerVersion(java.sql.Connection c, Manifest m, Progress progress) throws SQLException {
        try (var s = c.createStatement(); var rs = s.executeQuery("select current_setting('server_version_num')::int")) {
            rs.next();
            int target = rs.getInt(1) / 10000;
            int source = m.database().serverVersionNum() / 10000;
            if (target < source) {
                progress.step("Note: restoring a PostgreSQL " + source + " dump into PostgreSQL " + target
                        + " (older); this works for what the services use.");
            }
        }
    }

    static String verification(DbStats after) {
        String heads = after.schemas().entrySet().stream()
                .map(e -> e.getKey() + " " + (e.getValue().flywayHead() == null ? "-" : e.getValue().flywayHead()))
                .collect(Collectors.joining(", "));
        return after.totalTables() + " tables and " + after.totalRows() + " rows match the manifest; Flyway heads match ("
                + heads + "); audit chain heads match for " + after.auditHeads().size() + " compan"
                + (after.auditHeads().size() == 1 ? "y" : "ies") + ".";
    }

    static void checkFormat(String format) {
        if (!List.of("auto", Manifest.FORMAT_PG_DUMP, Manifest.FORMAT_SQL).contains(format)) {
            throw Ops.environment("--format must be auto, pg-dump or sql (was '" + format + "').");
        }
    }

    /** Reads + verifies an archive; a bad one becomes a one-line failure that says nothing changed. */
    static BackupArchive.Contents extract(Path f, Path staging, java.util.function.Predicate<String> which)
            throws IOException {
        try {
            return BackupArchive.read(f, staging, which);
        } catch (NoSuchFileException e) {
            throw Ops.environment("No such file: " + f);
        } catch (BackupArchive.BadArchiveException e) {
            throw Ops.fail("Backup " + f + " is unusable: " + e.getMessage() + ". Nothing was changed.");
        }
    }

    static Manifest manifest(String kind, InstanceLayout layout, Manifest.Source source, DatabaseDump.Result result,
            List<Manifest.FileEntry> files) {
        DbStats s = result.stats();
        return new Manifest(Manifest.TOOL, Ops.toolVersion(), Manifest.FORMAT_VERSION, kind,
                Instant.now().toString(), layout.root().toString(), source, result.dump(), s,
                new Manifest.Totals(s.schemas().size(), s.totalTables(), s.totalRows(), s.auditHeads().size()), files);
    }

    static String summary(Manifest m) {
        DbStats d = m.database();
        return d.schemas().size() + " schemas, " + d.totalTables() + " tables, " + d.totalRows() + " rows, "
                + d.auditHeads().size() + " audit chain" + (d.auditHeads().size() == 1 ? "" : "s") + " (PostgreSQL "
                + d.serverVersion() + ", " + m.dump().format() + " dump by " + m.dump().tool() + ")";
    }

    static Map<String, Object> result(Path file, long size, double seconds, Manifest m) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("file", file.toString());
        j.put("size", size);
        j.put("seconds", Math.round(seconds * 1000) / 1000.0);
        j.put("kind", m.kind());
        j.put("createdAt", m.createdAt());
        j.put("format", m.dump().format());
        j.put("dumpTool", m.dump().tool());
        j.put("postgres", m.database().serverVersion());
        j.put("schemas", m.database().schemas().size());
        j.put("tables", m.database().totalTables());
        j.put("rows", m.database().totalRows());
        j.put("auditChains", m.database().auditHeads().size());
        Map<String, String> heads = new LinkedHashMap<>();
        m.database().schemas().forEach((k, v) -> heads.put(k, v.flywayHead()));
        j.put("flywayHeads", heads);
        j.put("files", m.files().size());
        return j;
    }
}
