package io.companyagents.cli.ops;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code manifest.json}, the first entry of every archive: what was backed up, from where, with which tool,
 * the database's figures at the snapshot (Flyway heads, rows per table, audit chain heads) and the size and
 * SHA-256 of every other file in the archive.
 *
 * @param tool          always {@value #TOOL}
 * @param toolVersion   the company-agents version that wrote it
 * @param formatVersion {@value #FORMAT_VERSION}; readers refuse newer formats
 * @param kind          {@code backup} (database, secrets/, runs/, admin.key) or {@code db-export} (database only)
 * @param createdAt     RFC 3339 UTC
 * @param instance      the instance directory it was taken from (informational)
 * @param source        where the database came from
 * @param dump          the database dump in the archive
 * @param database      server version, schemas with Flyway heads and row counts, audit chain heads
 * @param totals        sums, for listings
 * @param files         every file in the archive but this manifest
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Manifest(String tool, String toolVersion, int formatVersion, String kind, String createdAt,
        String instance, Source source, Dump dump, DbStats database, Totals totals, List<FileEntry> files) {

    public static final String TOOL = "company-agents";
    public static final int FORMAT_VERSION = 1;
    public static final String KIND_BACKUP = "backup";
    public static final String KIND_DB_EXPORT = "db-export";
    public static final String FORMAT_SQL = "sql";
    public static final String FORMAT_PG_DUMP = "pg-dump";
    public static final String ENTRY = "manifest.json";

    private static final ObjectMapper READER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final ObjectMapper WRITER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * @param database      DATABASE_URL with the password masked
     * @param embedded      the instance's embedded PostgreSQL
     * @param systemRunning the system was running (a live, consistent snapshot)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Source(String database, boolean embedded, boolean systemRunning) {
    }

    /**
     * @param format      {@value #FORMAT_SQL} (plain SQL, built-in dumper) or {@value #FORMAT_PG_DUMP}
     *                    ({@code pg_dump --format=custom})
     * @param file        path in the archive
     * @param tool        what wrote it, e.g. {@code pg_dump (PostgreSQL) 16.4} or the built-in dumper
     * @param toolMajor   PostgreSQL major version of pg_dump (0 for the built-in dumper)
     * @param consistency how the snapshot was taken
     * @param schemas     the schemas in the dump
     * @param roles       roles the dump grants privileges to (created NOLOGIN on restore where missing)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Dump(String format, String file, String tool, int toolMajor, String consistency,
            List<String> schemas, List<String> roles) {
        public List<String> roles() {
            return roles == null ? List.of() : roles;
        }
    }

    public record Totals(int schemas, int tables, long rows, int auditChains) {
    }

    public record FileEntry(String path, long size, String sha256) {
    }

    public byte[] toJson() {
        try {
            return WRITER.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Manifest parse(byte[] json) throws IOException {
        return READER.readValue(json, Manifest.class);
    }

    /** Problems with the manifest itself (empty when it is sane). */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (!TOOL.equals(tool)) {
            p.add("tool is '" + tool + "', not '" + TOOL + "'");
        }
        if (formatVersion < 1 || formatVersion > FORMAT_VERSION) {
            p.add("format version " + formatVersion + " is not supported by this company-agents (reads 1.."
                    + FORMAT_VERSION + ")");
        }
        if (!KIND_BACKUP.equals(kind) && !KIND_DB_EXPORT.equals(kind)) {
            p.add("unknown kind '" + kind + "'");
        }
        if (dump == null || dump.file() == null || !(FORMAT_SQL.equals(dump.format()) || FORMAT_PG_DUMP.equals(dump.format()))) {
            p.add("no database dump described");
        }
        if (database == null || database.schemas() == null || database.schemas().isEmpty()) {
            p.add("no schemas described");
        } else {
            for (String s : database.schemas().keySet()) {
                if (!Ops.SCHEMAS.contains(s)) {
                    p.add("unknown schema '" + s + "'");
                }
            }
            if (totals != null && (totals.rows() != database.totalRows() || totals.tables() != database.totalTables())) {
                p.add("totals do not add up (" + totals.tables() + " tables, " + totals.rows() + " rows stated, "
                        + database.totalTables() + " tables, " + database.totalRows() + " rows listed)");
            }
        }
        if (files == null || files.isEmpty()) {
            p.add("no files listed");
        } else {
            Set<String> seen = new HashSet<>();
            for (FileEntry f : files) {
                if (f.path() == null || !BackupArchive.safePath(f.path()) || f.path().equals(ENTRY)) {
                    p.add("unsafe file path '" + f.path() + "'");
                } else if (!seen.add(f.path())) {
                    p.add("file '" + f.path() + "' listed twice");
                }
                if (f.sha256() == null || !f.sha256().matches("[0-9a-f]{64}") || f.size() < 0) {
                    p.add("bad checksum or size for '" + f.path() + "'");
                }
            }
            if (dump != null && dump.file() != null && !seen.contains(dump.file())) {
                p.add("the dump " + dump.file() + " is not among the files");
            }
        }
        return p;
    }

    public FileEntry file(String path) {
        return files.stream().filter(f -> f.path().equals(path)).findFirst().orElse(null);
    }
}
