package io.companyagents.cli.ops;

import io.companyagents.cli.up.InstanceLayout;
import io.companyagents.cli.up.LaunchConfig;
import io.companyagents.cli.up.LaunchException;
import io.companyagents.cli.up.Ports;
import io.companyagents.cli.up.PostgresServer;
import io.companyagents.cli.up.RunFile;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The Postgres an operation works on, found the way {@code up} would use it:
 * <ul>
 *   <li>{@code --database-url} / {@code DATABASE_URL}: that server, nothing started;</li>
 *   <li>the instance is running ({@code up} holds its lock): the database in its run.json;</li>
 *   <li>the instance is stopped: its embedded PostgreSQL, started on a free port for the duration of the
 *       operation (with the instance lock held, so {@code up} cannot start meanwhile) and stopped again.</li>
 * </ul>
 */
public final class DatabaseTarget implements AutoCloseable {

    /** What the operation needs. */
    public enum Mode {
        /** Reading (backup, export, status): works while the system runs and while it is stopped. */
        READ,
        /** Writing schemas (restore, import, migrate): the instance must be stopped. */
        WRITE
    }

    private final PostgresServer server;
    private final InstanceLayout.InstanceLock lock;
    private final boolean temporary;
    private final boolean systemRunning;
    private final boolean embedded;
    private final String description;
    private Ops.Cleanup stopOnExit;

    private DatabaseTarget(PostgresServer server, InstanceLayout.InstanceLock lock, boolean temporary,
            boolean systemRunning, boolean embedded, String description) {
        this.server = server;
        this.lock = lock;
        this.temporary = temporary;
        this.systemRunning = systemRunning;
        this.embedded = embedded;
        this.description = description;
    }

    /**
     * @param layout       the instance
     * @param databaseUrl  an external database, or null for the instance's own
     * @param mode         read or write
     * @param createFresh  for WRITE without a URL: create the instance (and initdb) if it does not exist yet
     */
    public static DatabaseTarget open(InstanceLayout layout, String databaseUrl, Mode mode, boolean createFresh,
            Path pgBinariesDir, Progress progress) {
        if (databaseUrl != null && !databaseUrl.isBlank()) {
            return external(layout, databaseUrl.trim(), mode, progress);
        }
        boolean exists = Files.isDirectory(layout.root());
        if (!exists && !(mode == Mode.WRITE && createFresh)) {
            throw Ops.environment("No instance at " + layout.root() + " (use --instance NAME or --instance-dir DIR).");
        }
        if (mode == Mode.WRITE && createFresh) {
            layout.create();
        }
        InstanceLayout.InstanceLock lock = tryLock(layout);
        if (lock == null) {
            if (mode == Mode.WRITE) {
                throw Ops.environment("company-agents is running for instance " + layout.root() + pidText(layout)
                        + "; stop it first (Ctrl-C in its terminal), then run this again.");
            }
            return running(layout);
        }
        try {
            if (!createFresh && !Files.isRegularFile(layout.db().resolve("postgresql.conf"))) {
                throw Ops.environment("Instance " + layout.root() + " has no database yet (" + layout.db()
                        + " is empty): start it once with 'company-agents up', or point DATABASE_URL at its database.");
            }
            int port = Ports.freePort();
            long t0 = System.nanoTime();
            progress.step("Starting the instance's embedded PostgreSQL for this operation (port " + port + ", data in "
                    + layout.db() + ")");
            Files.createDirectories(layout.logs());
            PostgresServer pg = PostgresServer.startEmbedded(layout, port,
                    pgBinariesDir == null ? LaunchConfig.defaultPgBinariesDir() : pgBinariesDir, progress);
            progress.step("PostgreSQL ready in " + Ops.seconds(t0));
            DatabaseTarget target = new DatabaseTarget(pg, lock, true, false, true, "the embedded PostgreSQL of "
                    + layout.root());
            target.stopOnExit = Ops.onExit(pg::close); // Ctrl-C: do not leave it running
            return target;
        } catch (RuntimeException | java.io.IOException e) {
            lock.close();
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw Ops.environment("Cannot prepare " + layout.root() + ": " + Ops.reason(e));
        }
    }

    private static DatabaseTarget external(InstanceLayout layout, String url, Mode mode, Progress progress) {
        PostgresServer pg;
        try {
            pg = PostgresServer.external(url);
        } catch (LaunchException e) {
            throw Ops.environment(e.getMessage());
        }
        InstanceLayout.InstanceLock lock = null;
        boolean running = false;
        if (Files.isDirectory(layout.root())) {
            lock = tryLock(layout);
            running = lock == null;
            if (running && mode == Mode.WRITE && sameDatabase(layout, pg)) {
                throw Ops.environment("company-agents is running for instance " + layout.root() + pidText(layout)
                        + " against this database; stop it first.");
            }
        }
        String problem = pg.connectionProblem();
        if (problem != null) {
            if (lock != null) {
                lock.close();
            }
            throw Ops.environment("Cannot connect to " + PostgresServer.redact(url) + ": " + problem);
        }
        progress.step("Using PostgreSQL at " + PostgresServer.redact(url));
        return new DatabaseTarget(pg, lock, false, running, false, PostgresServer.redact(url));
    }

    private static DatabaseTarget running(InstanceLayout layout) {
        Optional<RunFile> run = RunFile.readIfExists(layout.runFile());
        if (run.isEmpty() || run.get().databaseUrl() == null) {
            throw Ops.environment("Instance " + layout.root() + " is starting or stopping (its lock is held but "
                    + layout.runFile() + " is not there yet); try again in a moment.");
        }
        RunFile rf = run.get();
        boolean embedded = rf.component("postgres").map(RunFile.Entry::embedded).orElse(false);
        if (!embedded) {
            throw Ops.environment("Instance " + layout.root() + " runs against an external PostgreSQL ("
                    + rf.databaseUrl() + "); pass its URL with --database-url or DATABASE_URL.");
        }
        String url = rf.databaseUrl() + (rf.databaseUrl().contains("?") ? "&" : "?") + "sslmode=disable";
        PostgresServer pg = PostgresServer.external(url);
        String problem = pg.connectionProblem();
        if (problem != null) {
            throw Ops.environment("Instance " + layout.root() + " is running but its PostgreSQL does not answer: "
                    + problem);
        }
        return new DatabaseTarget(pg, null, false, true, true, "the running instance's PostgreSQL ("
                + PostgresServer.redact(rf.databaseUrl()) + ")");
    }

    private static boolean sameDatabase(InstanceLayout layout, PostgresServer target) {
        return RunFile.readIfExists(layout.runFile()).map(rf -> {
            if (rf.databaseUrl() == null) {
                return true;
            }
            try {
                URI u = URI.create(rf.databaseUrl().replace("***", "x"));
                int port = u.getPort() < 0 ? 5432 : u.getPort();
                String db = u.getPath() == null ? "" : u.getPath().replaceFirst("^/", "");
                return Objects.equals(u.getHost(), target.host()) && port == target.port()
                        && db.equals(target.database());
            } catch (RuntimeException e) {
                return true;
            }
        }).orElse(true);
    }

    private static InstanceLayout.InstanceLock tryLock(InstanceLayout layout) {
        try {
            return layout.lock();
        } catch (LaunchException e) {
            return null;
        }
    }

    private static String pidText(InstanceLayout layout) {
        return RunFile.readIfExists(layout.runFile()).map(r -> " (pid " + r.cliPid() + ")").orElse("");
    }

    public PostgresServer server() {
        return server;
    }

    /** True if the system was running while this operation connected (the dump is a live snapshot). */
    public boolean systemRunning() {
        return systemRunning;
    }

    /** True if this operation started the embedded PostgreSQL itself. */
    public boolean temporary() {
        return temporary;
    }

    /** The instance's embedded PostgreSQL (started now or by the running {@code up}), not an external one. */
    public boolean embedded() {
        return embedded;
    }

    public String description() {
        return description;
    }

    /** Stops a PostgreSQL started for this operation and releases the instance lock. */
    @Override
    public void close() {
        try {
            if (stopOnExit != null) {
                stopOnExit.close(); // stops it
            } else if (temporary) {
                server.close();
            }
        } finally {
            if (lock != null) {
                lock.close();
            }
        }
    }
}
