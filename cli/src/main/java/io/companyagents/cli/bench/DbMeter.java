package io.companyagents.cli.bench;

import io.companyagents.cli.up.PostgresServer;
import io.companyagents.cli.up.RunFile;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What Postgres did between two snapshots — transactions, rows written, WAL — from its cumulative
 * statistics. Unlike CPU time these counts do not move with the machine's load, so two runs (or
 * two versions of the code) compare exactly per unit of work.
 */
final class DbMeter implements AutoCloseable {

    private static final String DATABASE_SQL = "select xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted"
            + " from pg_stat_database where datname = current_database()";
    private static final String WAL_SQL = "select wal_records, wal_fpi, wal_bytes from pg_stat_wal";
    /** Each table's cumulative row counts, schema-qualified (every service has its own schema). */
    private static final String TABLES_SQL = "select schemaname || '.' || relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del"
            + " from pg_stat_user_tables";

    /** Every service's outbox (each service has its own schema, and an outbox table in it). */
    private static final String OUTBOXES_SQL = "select quote_ident(schemaname) || '.outbox' from pg_tables where tablename = 'outbox'";

    /** Outbox rows not yet published, summed over the services: a gauge, not a counter. */
    static final String WAITING = "outbox rows waiting";

    /**
     * Rows the outboxes may gain over a window before the run is called behind: a relay publishes in
     * batches, so a few hundred rows come and go; a backlog that keeps growing does not.
     */
    static final long BEHIND_ROWS = 1_000;

    /** Prefix of a table's counters in a snapshot: {@code table:<schema.table>:<counter>}. */
    static final String TABLE = "table:";
    private static final String[] TABLE_COUNTERS = {"inserted", "updated", "hot", "deleted"};

    private final Connection connection;

    private DbMeter(Connection connection) {
        this.connection = connection;
    }

    /** A meter over the instance's database, if its run file names one this process can connect to. */
    static Optional<DbMeter> forInstance(Path runFile) {
        try {
            Optional<RunFile> run = RunFile.readIfExists(runFile);
            if (run.isEmpty() || run.get().databaseUrl() == null) {
                return Optional.empty();
            }
            return Optional.of(new DbMeter(PostgresServer.external(run.get().databaseUrl()).connect()));
        } catch (SQLException | RuntimeException e) {
            System.err.println("no database figures: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** Cumulative counters now (Postgres publishes a backend's counts within about a second). */
    Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Statement s = connection.createStatement()) {
            s.execute("select pg_stat_clear_snapshot()");
            try (ResultSet r = s.executeQuery(DATABASE_SQL)) {
                if (r.next()) {
                    out.put("transactions", r.getLong(1) + r.getLong(2));
                    out.put("rows inserted", r.getLong(3));
                    out.put("rows updated", r.getLong(4));
                    out.put("rows deleted", r.getLong(5));
                }
            }
            try (ResultSet r = s.executeQuery(WAL_SQL)) {
                if (r.next()) {
                    out.put("WAL records", r.getLong(1));
                    out.put("WAL full pages", r.getLong(2));
                    out.put("WAL bytes", r.getLong(3));
                }
            }
            List<String> outboxes = new ArrayList<>();
            try (ResultSet r = s.executeQuery(OUTBOXES_SQL)) {
                while (r.next()) {
                    outboxes.add(r.getString(1));
                }
            }
            if (!outboxes.isEmpty()) {
                String waiting = String.join(" + ", outboxes.stream()
                        .map(t -> "(select count(*) from " + t + " where sent_at is null)").toList());
                try (ResultSet r = s.executeQuery("select " + waiting)) {
                    if (r.next()) {
                        out.put(WAITING, r.getLong(1));
                    }
                }
            }
            try (ResultSet r = s.executeQuery(TABLES_SQL)) {
                while (r.next()) {
                    for (int i = 0; i < TABLE_COUNTERS.length; i++) {
                        out.put(TABLE + r.getString(1) + ":" + TABLE_COUNTERS[i], r.getLong(i + 2));
                    }
                }
            }
        } catch (SQLException e) {
            System.err.println("database figures incomplete: " + e.getMessage());
        }
        return out;
    }

    /** Prints each counter's change between the snapshots per unit of work. */
    static void print(Map<String, Long> before, Map<String, Long> after, long units, String unit) {
        StringBuilder line = new StringBuilder();
        for (var e : after.entrySet()) {
            if (e.getKey().startsWith(TABLE) || e.getKey().equals(WAITING) || !before.containsKey(e.getKey()) || units == 0) {
                continue;
            }
            double per = (e.getValue() - before.get(e.getKey())) / (double) units;
            line.append(String.format("    %-14s %8.1f per %s%n", e.getKey(), per, unit));
        }
        if (!line.isEmpty()) {
            System.out.printf("  Postgres while measuring (whole database, background work included):%n%s", line);
        }
        behind(before, after).ifPresent(System.out::println);
        List<String> tables = tableLines(before, after, units);
        if (!tables.isEmpty()) {
            System.out.printf("  Rows per %s by table (updated: of which HOT, i.e. no index entries written):%n", unit);
            tables.forEach(System.out::println);
        }
    }

    /**
     * A warning when the outboxes held many more unpublished rows at the window's end than at its
     * start: events were written faster than they were published, so Kafka, the audit trail and the
     * ledger did less than a cycle's worth of work per cycle and the figures above flatter the
     * system (a steady state publishes what it writes).
     */
    static Optional<String> behind(Map<String, Long> before, Map<String, Long> after) {
        Long start = before.get(WAITING);
        Long end = after.get(WAITING);
        if (start == null || end == null) {
            return Optional.empty();
        }
        String counts = String.format("    %-14s %8d at the start, %d at the end", WAITING, start, end);
        if (end - start <= BEHIND_ROWS) {
            return Optional.of(counts);
        }
        return Optional.of(counts + String.format("%n  note: the outboxes grew by %d rows: events were written faster than"
                + " they were published, so the work behind them (Kafka, audit, ledger) fell behind and the figures"
                + " above are not a steady state", end - start));
    }

    /**
     * One line per table that changed between the snapshots: rows inserted, updated (of which HOT)
     * and deleted per unit of work, busiest first. Which tables take the writes, and how many of the
     * updates had to touch indexes, is what a change to the hot path moves.
     */
    static List<String> tableLines(Map<String, Long> before, Map<String, Long> after, long units) {
        if (units == 0) {
            return List.of();
        }
        Map<String, double[]> perTable = new TreeMap<>();
        for (var e : after.entrySet()) {
            if (!e.getKey().startsWith(TABLE)) {
                continue;
            }
            String rest = e.getKey().substring(TABLE.length());
            int colon = rest.lastIndexOf(':');
            String table = rest.substring(0, colon);
            int counter = List.of(TABLE_COUNTERS).indexOf(rest.substring(colon + 1));
            double per = (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / (double) units;
            perTable.computeIfAbsent(table, t -> new double[TABLE_COUNTERS.length])[counter] = per;
        }
        List<Map.Entry<String, double[]>> changed = new ArrayList<>();
        for (var e : perTable.entrySet()) {
            double[] v = e.getValue();
            if (v[0] + v[1] + v[3] >= 0.005) {
                changed.add(e);
            }
        }
        changed.sort(Comparator.comparingDouble((Map.Entry<String, double[]> e) -> -(e.getValue()[0] + e.getValue()[1] + e.getValue()[3])));
        List<String> lines = new ArrayList<>();
        for (var e : changed) {
            double[] v = e.getValue();
            lines.add(String.format("    %-28s inserted %6.2f   updated %6.2f (HOT %5.2f)   deleted %6.2f", e.getKey(), v[0], v[1], v[2], v[3]));
        }
        return lines;
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing a meter's connection
        }
    }
}
