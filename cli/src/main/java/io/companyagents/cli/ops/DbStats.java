package io.companyagents.cli.ops;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a backup promises about the database and a restore checks: per schema its Flyway head and the row
 * count of every table, and the head of every company's audit chain ({@code audit.audit_heads}). Read in the
 * caller's transaction, so a repeatable-read transaction gives the figures of the dumped snapshot.
 *
 * @param serverVersion    {@code server_version}, e.g. 16.10
 * @param serverVersionNum {@code server_version_num}, e.g. 160010
 * @param schemas          the services' schemas present, in {@link Ops#SCHEMAS} order
 * @param auditHeads       company id → head, sorted by company id
 */
public record DbStats(String serverVersion, int serverVersionNum, Map<String, SchemaStats> schemas,
        Map<String, AuditHead> auditHeads) {

    /**
     * @param flywayHead        version of the latest successful migration, null without flyway_schema_history
     * @param flywayDescription its description
     * @param migrations        successful versioned migrations applied
     * @param tables            table → rows, sorted by name
     */
    public record SchemaStats(String flywayHead, String flywayDescription, int migrations, Map<String, Long> tables) {
    }

    public record AuditHead(long seq, String hash) {
    }

    public long totalRows() {
        return schemas.values().stream().flatMap(s -> s.tables().values().stream()).mapToLong(Long::longValue).sum();
    }

    public int totalTables() {
        return schemas.values().stream().mapToInt(s -> s.tables().size()).sum();
    }

    public static DbStats read(Connection c) throws SQLException {
        String version;
        int versionNum;
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select current_setting('server_version'), "
                        + "current_setting('server_version_num')::int")) {
            rs.next();
            version = rs.getString(1).split(" ")[0];
            versionNum = rs.getInt(2);
        }
        Map<String, SchemaStats> schemas = new LinkedHashMap<>();
        for (String schema : presentSchemas(c)) {
            Map<String, Long> tables = new TreeMap<>();
            for (String table : tables(c, schema)) {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("select count(*) from " + ident(schema) + "." + ident(table))) {
                    rs.next();
                    tables.put(table, rs.getLong(1));
                }
            }
            String head = null;
            String description = null;
            int migrations = 0;
            if (tables.containsKey("flyway_schema_history")) {
                String history = ident(schema) + ".flyway_schema_history";
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("select version, description from " + history
                                + " where success and version is not null order by installed_rank desc limit 1")) {
                    if (rs.next()) {
                        head = rs.getString(1);
                        description = rs.getString(2);
                    }
                }
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("select count(*) from " + history
                                + " where success and version is not null")) {
                    rs.next();
                    migrations = rs.getInt(1);
                }
            }
            schemas.put(schema, new SchemaStats(head, description, migrations, tables));
        }
        Map<String, AuditHead> heads = new TreeMap<>();
        if (schemas.containsKey("audit") && schemas.get("audit").tables().containsKey("audit_heads")) {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select company_id::text, seq, hash from audit.audit_heads")) {
                while (rs.next()) {
                    heads.put(rs.getString(1), new AuditHead(rs.getLong(2), rs.getString(3)));
                }
            }
        }
        return new DbStats(version, versionNum, schemas, heads);
    }

    /** The services' schemas that exist, in {@link Ops#SCHEMAS} order. */
    public static List<String> presentSchemas(Connection c) throws SQLException {
        List<String> present = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select nspname from pg_namespace where nspname = any(?)")) {
            ps.setArray(1, c.createArrayOf("text", Ops.SCHEMAS.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    present.add(rs.getString(1));
                }
            }
        }
        return Ops.SCHEMAS.stream().filter(present::contains).toList();
    }

    /** Ordinary and partitioned tables of a schema, by name. */
    public static List<String> tables(Connection c, String schema) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select c.relname from pg_class c join pg_namespace n "
                + "on n.oid = c.relnamespace where n.nspname = ? and c.relkind in ('r', 'p') order by c.relname")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
        }
        return tables;
    }

    static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /**
     * Differences between what a manifest promised ({@code this}) and what a database holds: row counts of every
     * table, Flyway heads, audit chain heads. Empty when they match.
     */
    public List<String> differencesTo(DbStats actual) {
        List<String> diffs = new ArrayList<>();
        for (var e : schemas.entrySet()) {
            String schema = e.getKey();
            SchemaStats want = e.getValue();
            SchemaStats got = actual.schemas().get(schema);
            if (got == null) {
                diffs.add("schema " + schema + " is missing");
                continue;
            }
            if (!Objects.equals(want.flywayHead(), got.flywayHead())) {
                diffs.add(schema + ": Flyway head " + got.flywayHead() + ", expected " + want.flywayHead());
            }
            for (var t : want.tables().entrySet()) {
                Long rows = got.tables().get(t.getKey());
                if (rows == null) {
                    diffs.add(schema + "." + t.getKey() + " is missing");
                } else if (!rows.equals(t.getValue())) {
                    diffs.add(schema + "." + t.getKey() + ": " + rows + " rows, expected " + t.getValue());
                }
            }
            for (String t : got.tables().keySet()) {
                if (!want.tables().containsKey(t)) {
                    diffs.add(schema + "." + t + " is not in the backup");
                }
            }
        }
        for (String schema : actual.schemas().keySet()) {
            if (!schemas.containsKey(schema)) {
                diffs.add("schema " + schema + " is not in the backup");
            }
        }
        for (var h : auditHeads.entrySet()) {
            AuditHead got = actual.auditHeads().get(h.getKey());
            if (!h.getValue().equals(got)) {
                diffs.add("audit chain head of company " + h.getKey() + ": "
                        + (got == null ? "missing" : "seq " + got.seq() + " " + abbreviate(got.hash()))
                        + ", expected seq " + h.getValue().seq() + " " + abbreviate(h.getValue().hash()));
            }
        }
        for (String company : actual.auditHeads().keySet()) {
            if (!auditHeads.containsKey(company)) {
                diffs.add("audit chain of company " + company + " is not in the backup");
            }
        }
        return diffs;
    }

    private static String abbreviate(String hash) {
        return hash == null || hash.length() <= 12 ? hash : hash.substring(0, 12) + "…";
    }
}
