package io.companyagents.cli.bench;

import io.companyagents.cli.up.PostgresServer;
import io.companyagents.cli.up.RunFile;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What Postgres did between two snapshots — transactions, rows written, WAL — from its cumulative
 * statistics. Unlike CPU time these counts do not move with the machine's load, so two runs (or
 * two versions of the code) compare exactly per unit of work.
 */
final class DbMeter implements AutoCloseable {

    private static final String DATABASE_SQL = "select xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted"
            + " from pg_stat_database where datname = current_database()";
    private static final String WAL_SQL = "select wal_records, wal_fpi, wal_bytes from pg_stat_wal";

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
        } catch (SQLException e) {
            System.err.println("database figures incomplete: " + e.getMessage());
        }
        return out;
    }

    /** Prints each counter's change between the snapshots per unit of work. */
    static void print(Map<String, Long> before, Map<String, Long> after, long units, String unit) {
        StringBuilder line = new StringBuilder();
        for (var e : after.entrySet()) {
            if (!before.containsKey(e.getKey()) || units == 0) {
                continue;
            }
            double per = (e.getValue() - before.get(e.getKey())) / (double) units;
            line.append(String.format("    %-14s %8.1f per %s%n", e.getKey(), per, unit));
        }
        if (!line.isEmpty()) {
            System.out.printf("  Postgres while measuring (whole database, background work included):%n%s", line);
        }
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
