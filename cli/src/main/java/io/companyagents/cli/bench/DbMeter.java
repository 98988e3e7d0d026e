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

    /** Label of the outbox rows not yet published, summed over the services (a gauge, not a counter). */
    static final String WAITING = "outbox rows waiting";

    /**
     * Rows the outboxes may gain over a window before the run is called behind: a relay publishes in
     * batches, so a few hundred rows come and go; a backlog that keeps growing does not.
     */
    static final long BEHIND_ROWS = 1_000;

    /**
     * What the statistics say at one moment.
     *
     * @param totals      whole-database counters by label (transactions, rows, WAL), cumulative
     * @param tables      {@code schema.table} → its cumulative {@link Rows}
     * @param waitingRows unpublished outbox rows over every service, or null if not read
     */
    record Snapshot(Map<String, Long> totals, Map<String, Rows> tables, Long waitingRows) {
    }

    /** A table's cumulative row counts: inserted, updated (of which HOT), deleted. */
    record Rows(long inserted, long updated, long hot, long deleted) {
        static final Rows NONE = new Rows(0, 0, 0, 0);
    }

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
    Snapshot snapshot() {
        Map<String, Long> totals = new LinkedHashMap<>();
        Map<String, Rows> tables = new TreeMap<>();
        Long waiting = null;
        try (Statement s = connection.createStatement()) {
            s.execute("select pg_stat_clear_snapshot()");
            try (ResultSet r = s.executeQuery(DATABASE_SQL)) {
                if (r.next()) {
                    totals.put("transactions", r.getLong(1) + r.getLong(2));
                    totals.put("rows inserted", r.getLong(3));
                    totals.put("rows updated", r.getLong(4));
                    totals.put("rows deleted", r.getLong(5));
                }
            }
            try (ResultSet r = s.executeQuery(WAL_SQL)) {
                if (r.next()) {
                    totals.put("WAL records", r.getLong(1));
                    totals.put("WAL full pages", r.getLong(2));
                    totals.put("WAL bytes", r.getLong(3));
                }
            }
            List<String> outboxes = new ArrayList<>();
            try (ResultSet r = s.executeQuery(OUTBOXES_SQL)) {
                while (r.next()) {
                    outboxes.add(r.getString(1));
                }
            }
            if (!outboxes.isEmpty()) {
                String sum = String.join(" + ", outboxes.stream()
                        .map(t -> "(select count(*) from " + t + " where sent_at is null)").toList());
                try (ResultSet r = s.executeQuery("select " + sum)) {
                    if (r.next()) {
                        waiting = r.getLong(1);
                    }
                }
            }
            try (ResultSet r = s.executeQuery(TABLES_SQL)) {
                while (r.next()) {
                    tables.put(r.getString(1), new Rows(r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5)));
                }
            }
        } catch (SQLException e) {
            System.err.println("database figures incomplete: " + e.getMessage());
        }
        return new Snapshot(totals, tables, waiting);
    }

    /** Prints each counter's change between the snapshots per unit of work. */
    static void print(Snapshot before, Snapshot after, long units, String unit) {
        StringBuilder line = new StringBuilder();
        for (var e : after.totals().entrySet()) {
            if (!before.totals().containsKey(e.getKey()) || units == 0) {
                continue;
            }
            double per = (e.getValue() - before.totals().get(e.getKey())) / (double) units;
            line.append(String.format("    %-14s %8.1f per %s%n", e.getKey(), per, unit));
        }
        if (!line.isEmpty()) {
            System.out.printf("  Postgres while measuring (whole database, background work included):%n%s", line);
        }
        behind(before.waitingRows(), after.waitingRows()).ifPresent(System.out::println);
        List<String> tables = tableLines(before.tables(), after.tables(), units);
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
    static Optional<String> behind(Long start, Long end) {
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
    static List<String> tableLines(Map<String, Rows> before, Map<String, Rows> after, long units) {
        if (units == 0) {
            return List.of();
        }
        record Change(String table, double inserted, double updated, double hot, double deleted) {
            double writes() {
                return inserted + updated + deleted;
            }
        }
        double n = units;
        List<Change> changed = new ArrayList<>();
        for (var e : after.entrySet()) {
            Rows then = before.getOrDefault(e.getKey(), Rows.NONE);
            Rows now = e.getValue();
            Change c = new Change(e.getKey(), (now.inserted() - then.inserted()) / n, (now.updated() - then.updated()) / n,
                    (now.hot() - then.hot()) / n, (now.deleted() - then.deleted()) / n);
            if (c.writes() >= 0.005) {
                changed.add(c);
            }
        }
        changed.sort(Comparator.comparingDouble(Change::writes).reversed());
        return changed.stream().map(c -> String.format("    %-28s inserted %6.2f   updated %6.2f (HOT %5.2f)   deleted %6.2f",
                c.table(), c.inserted(), c.updated(), c.hot(), c.deleted())).toList();
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
