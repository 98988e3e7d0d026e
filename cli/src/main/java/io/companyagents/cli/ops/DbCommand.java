package io.companyagents.cli.ops;

import io.companyagents.cli.up.InstanceLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code company-agents db export | import | migrate | status}. */
@Command(name = "db", description = "Move the database between PostgreSQL servers, migrate it, show its migration heads.",
        subcommands = {DbCommand.Export.class, DbCommand.Import.class, DbCommand.Migrate.class, DbCommand.Status.class})
public class DbCommand {

    /** {@code db export}. */
    @Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Dump the six schemas (one snapshot) into a .tar.gz with manifest.json: to move an "
                    + "installation from the embedded PostgreSQL to a real one (DATABASE_URL) and back.",
                "The source is the instance's database (running or stopped) or --database-url. Secrets stay in the "
                    + "instance directory (use backup create to carry them too)."})
    public static class Export extends OpsCommand {

        @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "auto",
                description = "pg-dump (pg_dump custom archive), sql (built-in dumper) or auto (pg-dump when a "
                        + "pg_dump of the server's major version or newer is installed, else sql). Default: ${DEFAULT-VALUE}.")
        String format;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "Archive to write (.tar.gz).")
        Path output;

        @Option(names = "--database-url", paramLabel = "URL", defaultValue = "${env:DATABASE_URL}",
                description = "Export this PostgreSQL instead of the instance's (env DATABASE_URL).")
        String databaseUrl;

        @Override
        public Integer call() throws Exception {
            BackupCommand.checkFormat(format);
            Progress progress = progress();
            InstanceLayout layout = layout();
            Path file = output.toAbsolutePath().normalize();
            if (Files.exists(file)) {
                throw Ops.environment(file + " already exists; choose another --output.");
            }
            Files.createDirectories(file.getParent());
            long t0 = System.nanoTime();
            Path staging = BackupArchive.tempDir(file.getParent(), ".company-agents-export-");
            try (Ops.Cleanup cleanup = Ops.onExit(() -> Ops.deleteTree(staging))) {
                DatabaseDump.Result result;
                Manifest.Source source;
                try (DatabaseTarget target = DatabaseTarget.open(layout, databaseUrl, DatabaseTarget.Mode.READ, false,
                        null, progress)) {
                    result = DatabaseDump.dump(target, format, staging, progress);
                    source = new Manifest.Source(target.description(), target.embedded(), target.systemRunning());
                }
                Manifest manifest = BackupCommand.manifest(Manifest.KIND_DB_EXPORT, layout, source, result,
                        BackupArchive.describe(staging));
                BackupArchive.write(file, manifest, staging);
                double seconds = (System.nanoTime() - t0) / 1e9;
                say(String.format(Locale.ROOT, "Exported %s to %s (%s) in %.1f s", source.database(), file,
                        Ops.humanBytes(Files.size(file)), seconds));
                say("  database: " + BackupCommand.summary(manifest));
                say("  import it with: company-agents db import " + file + " --database-url postgres://…");
                printJson(BackupCommand.result(file, Files.size(file), seconds, manifest));
                return 0;
            }
        }
    }

    /** {@code db import FILE}. */
    @Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Load the database of an export (or of a backup) into --database-url / DATABASE_URL, or "
                    + "into the instance's embedded PostgreSQL (the instance must be stopped); then check every "
                    + "table's rows, the Flyway heads and the audit chain heads against the manifest.",
                "Refuses a database that already holds the schemas unless --force (which drops them first)."})
    public static class Import extends OpsCommand {

        @Parameters(paramLabel = "FILE", description = "An archive from db export or backup create.")
        Path file;

        @Option(names = "--force", description = "Replace the six schemas if the target already has them.")
        boolean force;

        @Option(names = "--database-url", paramLabel = "URL", defaultValue = "${env:DATABASE_URL}",
                description = "Import into this PostgreSQL (env DATABASE_URL); default: the instance's embedded one.")
        String databaseUrl;

        @Override
        public Integer call() throws Exception {
            Path f = file.toAbsolutePath().normalize();
            Progress progress = progress();
            long t0 = System.nanoTime();
            progress.step("Reading and verifying " + f);
            Path staging = BackupArchive.tempDir(null, "company-agents-import-");
            try (Ops.Cleanup cleanup = Ops.onExit(() -> Ops.deleteTree(staging))) {
                BackupArchive.Contents contents = BackupCommand.extract(f, staging, name -> name.startsWith("db/"));
                Manifest m = contents.manifest();
                if (m.dump().format().equals(Manifest.FORMAT_SQL)) {
                    List<String> problems = DatabaseDump.checkSql(m, contents.dumpFile());
                    if (!problems.isEmpty()) {
                        throw Ops.fail("Archive " + f + " is damaged: " + String.join("; ", problems) + "; nothing changed.");
                    }
                }
                progress.step("Archive intact (" + m.kind() + " of " + m.createdAt() + ": " + BackupCommand.summary(m) + ")");
                BackupCommand.RestoreOutcome outcome = BackupCommand.restoreDatabase(layout(), databaseUrl, force, m,
                        contents, progress, List::of);
                double seconds = (System.nanoTime() - t0) / 1e9;
                say(String.format(Locale.ROOT, "Imported %s into %s in %.1f s.", f, outcome.where(), seconds));
                say("Verified: " + outcome.verification());
                if (m.kind().equals(Manifest.KIND_BACKUP)) {
                    say("Note: only the database was imported; the backup's secrets/, runs/ and admin.key were not "
                            + "(use backup restore for those).");
                }
                Map<String, Object> j = BackupCommand.result(f, Files.size(f), seconds, m);
                j.put("importedInto", outcome.where());
                j.put("verified", true);
                j.put("verification", outcome.verification());
                printJson(j);
                return 0;
            }
        }
    }

    /** {@code db migrate}. */
    @Command(name = "migrate", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Apply pending migrations to the six schemas without starting the services: Flyway runs "
                    + "each service's own migrations (read from its packaged jar, the same files and Flyway the "
                    + "service runs at start) against the instance's database or --database-url.",
                "The instance must be stopped."})
    public static class Migrate extends OpsCommand {

        @Option(names = "--database-url", paramLabel = "URL", defaultValue = "${env:DATABASE_URL}",
                description = "Migrate this PostgreSQL (env DATABASE_URL); default: the instance's embedded one.")
        String databaseUrl;

        @Option(names = "--home", paramLabel = "DIR", defaultValue = "${env:COMPANY_AGENTS_HOME}",
                description = "Directory holding <module>/target/quarkus-app (env COMPANY_AGENTS_HOME; default: "
                        + "system property company-agents.home, else the current directory).")
        Path home;

        @Override
        public Integer call() throws Exception {
            Progress progress = progress();
            Path homeDir = FlywayRunner.home(home);
            FlywayRunner.requireJars(homeDir);
            long t0 = System.nanoTime();
            List<Map<String, Object>> rows = new ArrayList<>();
            try (DatabaseTarget target = DatabaseTarget.open(layout(), databaseUrl, DatabaseTarget.Mode.WRITE,
                    Ops.blank(databaseUrl), null, progress)) {
                int applied = 0;
                for (String schema : Ops.SCHEMAS) {
                    FlywayRunner.Outcome o = FlywayRunner.migrate(homeDir, schema, target.server());
                    applied += o.applied();
                    progress.step(String.format(Locale.ROOT, "%-8s %s", schema, o.applied() == 0
                            ? "up to date at " + o.head() : "applied " + o.applied() + " migration"
                            + (o.applied() == 1 ? "" : "s") + ": " + (o.before() == null ? "empty" : o.before()) + " → "
                            + o.head()));
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("schema", schema);
                    row.put("before", o.before());
                    row.put("head", o.head());
                    row.put("applied", o.applied());
                    rows.add(row);
                }
                say(String.format(Locale.ROOT, "Migrated %s: %d migration%s applied in %.1f s.", target.description(),
                        applied, applied == 1 ? "" : "s", (System.nanoTime() - t0) / 1e9));
                for (Map<String, Object> r : rows) {
                    say(String.format(Locale.ROOT, "  %-8s head %s", r.get("schema"), r.get("head")));
                }
                printJson(Map.of("database", target.description(), "applied", applied, "schemas", rows));
            }
            return 0;
        }
    }

    /** {@code db status}. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Show each schema's migration head (from its flyway_schema_history) and, where the "
                    + "services' jars are found, how many migrations are pending."})
    public static class Status extends OpsCommand {

        @Option(names = "--database-url", paramLabel = "URL", defaultValue = "${env:DATABASE_URL}",
                description = "Look at this PostgreSQL (env DATABASE_URL); default: the instance's.")
        String databaseUrl;

        @Option(names = "--home", paramLabel = "DIR", defaultValue = "${env:COMPANY_AGENTS_HOME}",
                description = "Directory holding <module>/target/quarkus-app, for pending migrations.")
        Path home;

        @Override
        public Integer call() throws Exception {
            Progress progress = progress();
            Path homeDir = FlywayRunner.home(home);
            boolean jars = FlywayRunner.jarsPresent(homeDir);
            List<Map<String, Object>> rows = new ArrayList<>();
            String where;
            String version;
            try (DatabaseTarget target = DatabaseTarget.open(layout(), databaseUrl, DatabaseTarget.Mode.READ, false,
                    null, progress)) {
                where = target.description();
                DbStats stats;
                try (Connection c = target.server().connect()) {
                    c.setAutoCommit(false);
                    c.setReadOnly(true);
                    stats = DbStats.read(c);
                    c.rollback();
                }
                version = stats.serverVersion();
                for (String schema : Ops.SCHEMAS) {
                    DbStats.SchemaStats s = stats.schemas().get(schema);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("schema", schema);
                    row.put("present", s != null);
                    row.put("head", s == null ? null : s.flywayHead());
                    row.put("description", s == null ? null : s.flywayDescription());
                    row.put("applied", s == null ? 0 : s.migrations());
                    row.put("tables", s == null ? 0 : s.tables().size());
                    row.put("rows", s == null ? 0 : s.tables().values().stream().mapToLong(Long::longValue).sum());
                    if (jars) {
                        row.put("pending", FlywayRunner.pending(homeDir, schema, target.server()));
                    }
                    rows.add(row);
                }
            }
            if (json) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("database", where);
                j.put("postgres", version);
                j.put("checkedAt", Instant.now().toString());
                j.put("schemas", rows);
                printJson(j);
                return 0;
            }
            say("Database: " + where + " (PostgreSQL " + version + ")");
            say(String.format(Locale.ROOT, "%-8s %-7s %-8s %-7s %-7s %-8s %s", "SCHEMA", "HEAD", "APPLIED",
                    jars ? "PENDING" : "", "TABLES", "ROWS", "DESCRIPTION"));
            for (Map<String, Object> r : rows) {
                if (!(Boolean) r.get("present")) {
                    say(String.format(Locale.ROOT, "%-8s %s", r.get("schema"), "(not created yet)"
                            + (jars ? " " + r.get("pending") + " pending" : "")));
                    continue;
                }
                say(String.format(Locale.ROOT, "%-8s %-7s %-8s %-7s %-7s %-8s %s", r.get("schema"),
                        r.get("head") == null ? "-" : r.get("head"), r.get("applied"),
                        jars ? String.valueOf(r.get("pending")) : "", r.get("tables"), r.get("rows"),
                        r.get("description") == null ? "" : r.get("description")));
            }
            if (!jars) {
                say("(pending migrations unknown: no service jars under " + homeDir + "; pass --home)");
            }
            return 0;
        }
    }
}
