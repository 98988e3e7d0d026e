package io.companyagents.cli.up;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The Postgres the services use: an embedded PostgreSQL 16 (zonky binaries, data in {@code <instance>/db})
 * or an external one given as {@code DATABASE_URL}.
 */
public final class PostgresServer implements AutoCloseable {

    /** Database created in the embedded server. */
    public static final String DATABASE = "company_agents";
    /** zonky runs initdb with {@code -U postgres -A trust}: any password is accepted on loopback. */
    public static final String EMBEDDED_USER = "postgres";
    public static final String EMBEDDED_PASSWORD = "postgres";

    private final EmbeddedPostgres embedded;
    private final Path dataDir;
    private final String databaseUrl;
    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final String password;

    private PostgresServer(EmbeddedPostgres embedded, Path dataDir, String databaseUrl) {
        this.embedded = embedded;
        this.dataDir = dataDir;
        this.databaseUrl = databaseUrl;
        URI uri = parseUrl(databaseUrl);
        this.host = uri.getHost();
        this.port = uri.getPort() < 0 ? 5432 : uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceFirst("^/", "");
        this.database = path.isEmpty() ? "postgres" : decode(path);
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null) {
            this.user = null;
            this.password = null;
        } else {
            int colon = userInfo.indexOf(':');
            this.user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            this.password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
        }
    }

    /** Uses an external server; nothing is started or stopped. */
    public static PostgresServer external(String databaseUrl) {
        parseUrl(databaseUrl);
        return new PostgresServer(null, null, databaseUrl);
    }

    /**
     * Starts the embedded server on 127.0.0.1:port with data in {@code layout.db()} (reused when present)
     * and creates the {@value #DATABASE} database if absent.
     */
    public static PostgresServer startEmbedded(InstanceLayout layout, int port, Path binariesDir,
            Consumer<String> reporter) {
        Path dataDir = layout.db();
        Path log = layout.log("postgres");
        checkDataDir(dataDir);
        stopOrphan(dataDir, reporter);
        checkCanRunAsRoot();
        ChildProcesses.markLog(log, "starting PostgreSQL on port " + port);
        EmbeddedPostgres pg;
        try {
            Files.createDirectories(binariesDir);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setRegisterShutdownHook(false) // `up` stops Postgres itself, after the services
                    .setOverrideWorkingDirectory(binariesDir.toFile())
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setLocaleConfig("locale", "C")
                    // zonky starts postgres with -F (fsync off): fine for tests, not for data kept between runs
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    // look for tables to vacuum every 5 s, not every minute: the task queue's ready index
                    // keeps every claimed task's entry until its table is vacuumed (see tasks-service's
                    // migration V1_6), and each claim steps over them
                    .setServerConfig("autovacuum_naptime", AUTOVACUUM_NAPTIME)
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()));
            sharedBuffers().ifPresent(size -> builder.setServerConfig("shared_buffers", size));
            pg = builder.start();
        } catch (IOException | RuntimeException | ExceptionInInitializerError e) {
            throw new LaunchException(LaunchException.EXIT_FAILED, "Embedded PostgreSQL failed to start: "
                    + e.getMessage() + "\n" + ChildProcesses.tailBlock(log, 30), e);
        }
        PostgresServer server = new PostgresServer(pg, dataDir, "postgres://" + EMBEDDED_USER + ":"
                + EMBEDDED_PASSWORD + "@127.0.0.1:" + port + "/" + DATABASE);
        try {
            server.createDatabaseIfAbsent();
        } catch (SQLException e) {
            server.close();
            throw new LaunchException(LaunchException.EXIT_FAILED,
                    "Cannot create database " + DATABASE + " in the embedded PostgreSQL: " + e.getMessage(), e);
        }
        return server;
    }

    /**
     * The embedded server's buffer cache, if {@value #SHARED_BUFFERS_ENV} sets one (e.g. {@code 512MB});
     * otherwise Postgres's own default (128 MB). A larger cache spares backends evicting dirty pages
     * once the data outgrows it, but makes each checkpoint write more: measured both ways on the
     * task benchmark, neither was consistently faster on a 2-core machine, so the default stays.
     */
    static Optional<String> sharedBuffers() {
        String env = System.getenv(SHARED_BUFFERS_ENV);
        return env == null || env.isBlank() ? Optional.empty() : Optional.of(env.trim());
    }

    static final String SHARED_BUFFERS_ENV = "COMPANY_AGENTS_PG_SHARED_BUFFERS";

    /** How often the embedded server's autovacuum looks at each database (Postgres's default: 1 min). */
    static final String AUTOVACUUM_NAPTIME = "5s";

    private void createDatabaseIfAbsent() throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), jdbcProperties());
                PreparedStatement ps = c.prepareStatement("select 1 from pg_database where datname = ?")) {
            ps.setString(1, DATABASE);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("create database " + DATABASE);
            }
        }
    }

    private static void checkDataDir(Path dataDir) {
        if (Files.exists(dataDir.resolve("postgresql.conf"))) {
            return;
        }
        try (Stream<Path> entries = Files.list(dataDir)) {
            List<Path> unexpected = entries.filter(p -> !p.getFileName().toString().equals("epg-lock")).toList();
            if (!unexpected.isEmpty()) {
                throw new LaunchException(LaunchException.EXIT_ENVIRONMENT, "The PostgreSQL data directory " + dataDir
                        + " is not empty but holds no database (an interrupted first start?). Move it away and run again.");
            }
        } catch (IOException e) {
            throw new LaunchException(LaunchException.EXIT_ENVIRONMENT,
                    "Cannot read the PostgreSQL data directory " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /** A postmaster left running on this data directory by an `up` that was killed: stop it. */
    static void stopOrphan(Path dataDir, Consumer<String> reporter) {
        Optional<ProcessHandle> orphan = postmaster(dataDir);
        if (orphan.isEmpty()) {
            return;
        }
        ProcessHandle p = orphan.get();
        reporter.accept("Stopping a PostgreSQL left running by a previous run (pid " + p.pid() + ")");
        ChildProcesses.signal(p.pid(), "INT"); // fast shutdown
        try {
            p.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
        }
    }

    /** The live postmaster of a data directory, from its postmaster.pid. */
    static Optional<ProcessHandle> postmaster(Path dataDir) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(pidFile);
            if (lines.isEmpty()) {
                return Optional.empty();
            }
            long pid = Long.parseLong(lines.get(0).trim());
            String dir = dataDir.toAbsolutePath().toString();
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(h -> h.info().command().map(cmd -> cmd.endsWith("postgres") || cmd.endsWith("postmaster"))
                            .orElse(false))
                    .filter(h -> h.info().commandLine().map(cl -> cl.contains(dir)).orElse(true));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static void checkCanRunAsRoot() {
        if (isRoot() && !LinuxUtils.isUnshareAvailable()) {
            throw new LaunchException(LaunchException.EXIT_ENVIRONMENT, "Embedded PostgreSQL cannot run as root here "
                    + "(initdb refuses root and user namespaces via 'unshare -U' are unavailable). Run company-agents "
                    + "as a regular user, or point it at an existing PostgreSQL with DATABASE_URL.");
        }
    }

    private static boolean isRoot() {
        try {
            Class<?> unix = Class.forName("com.sun.security.auth.module.UnixSystem");
            Object instance = unix.getDeclaredConstructor().newInstance();
            return ((Number) unix.getMethod("getUid").invoke(instance)).longValue() == 0;
        } catch (ReflectiveOperationException | LinkageError e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    static URI parseUrl(String databaseUrl) {
        URI uri;
        try {
            uri = URI.create(databaseUrl);
        } catch (IllegalArgumentException e) {
            throw invalidUrl(databaseUrl);
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("postgres") || uri.getScheme().equals("postgresql"))
                || uri.getHost() == null) {
            throw invalidUrl(databaseUrl);
        }
        return uri;
    }

    private static LaunchException invalidUrl(String databaseUrl) {
        return new LaunchException(LaunchException.EXIT_ENVIRONMENT, "DATABASE_URL '" + redact(databaseUrl)
                + "' is not of the form postgres://user:password@host:port/database");
    }

    /** The URL with its password replaced by ***. */
    public static String redact(String databaseUrl) {
        return databaseUrl == null ? null : databaseUrl.replaceFirst("(//[^:/@]+:)[^@]*@", "$1***@");
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    public boolean embedded() {
        return embedded != null;
    }

    /** {@code postgres://user:pass@host:port/db}, as given to the services. */
    public String databaseUrl() {
        return databaseUrl;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String database() {
        return database;
    }

    /** JDBC URL of the services' database (credentials in {@link #jdbcProperties()}). */
    public String jdbcUrl() {
        return jdbcUrl(database);
    }

    public String jdbcUrl(String db) {
        String query = parseUrl(databaseUrl).getRawQuery();
        return "jdbc:postgresql://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + db
                + (query == null || query.isEmpty() ? "" : "?" + query);
    }

    /** Null if a connection succeeds, else the reason (for a warning about an external DATABASE_URL). */
    public String connectionProblem() {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("select 1");
            return null;
        } catch (SQLException e) {
            return e.getMessage();
        }
    }

    public Properties jdbcProperties() {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("connectTimeout", "10");
        String sslMode = System.getenv("PGSSLMODE");
        if (embedded == null && sslMode != null && !sslMode.isBlank()) {
            p.setProperty("sslmode", sslMode);
        }
        return p;
    }

    /** A new connection to the services' database. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), jdbcProperties());
    }

    /** Postmaster pid (embedded), else -1. */
    public long pid() {
        if (dataDir == null) {
            return -1;
        }
        return postmaster(dataDir).map(ProcessHandle::pid).orElse(-1L);
    }

    /** Stops the embedded server (pg_ctl stop -m fast); no-op for an external one. */
    @Override
    public synchronized void close() {
        if (embedded == null) {
            return;
        }
        Optional<ProcessHandle> postmaster = postmaster(dataDir);
        try {
            embedded.close();
        } catch (IOException | RuntimeException e) {
            // fall through to the pid check below
        }
        postmaster.ifPresent(p -> {
            try {
                p.onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                ChildProcesses.signal(p.pid(), "QUIT"); // immediate shutdown
                ChildProcesses.terminate(p, Duration.ofSeconds(10));
            }
        });
    }
}
