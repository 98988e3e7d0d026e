package io.companyagents.platform.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * A fresh database on a real PostgreSQL server for this test JVM, dropped at exit.
 * The server is {@code CA_TEST_PG} ({@code host:port}, default {@code 127.0.0.1:5432}, user
 * {@code CA_TEST_PG_USER} default {@code postgres}).
 */
public final class TestPostgres {

    private static TestPostgres instance;

    private final String host;
    private final String user;
    private final String password;
    private final String database;
    private TcpProxy proxy;

    private TestPostgres() {
        this.host = env("CA_TEST_PG", "127.0.0.1:5432");
        this.user = env("CA_TEST_PG_USER", "postgres");
        this.password = env("CA_TEST_PG_PASSWORD", "postgres");
        this.database = "ca_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute("create database " + database);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                execute("drop database if exists " + database + " with (force)");
            } catch (RuntimeException ignored) {
                // best effort
            }
        }));
    }

    public static synchronized TestPostgres instance() {
        if (instance == null) {
            instance = new TestPostgres();
        }
        return instance;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + "/" + database;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user, password);
    }

    public String host() {
        return host.substring(0, host.lastIndexOf(':'));
    }

    public int port() {
        return Integer.parseInt(host.substring(host.lastIndexOf(':') + 1));
    }

    public String database() {
        return database;
    }

    /**
     * The services under test reach Postgres through this proxy, so a test can take the
     * database away ({@link TcpProxy#cut()}) and give it back; the tests' own JDBC is direct.
     */
    public synchronized TcpProxy proxy() {
        if (proxy == null) {
            proxy = new TcpProxy(host(), port());
        }
        return proxy;
    }

    public Map<String, String> quarkusProperties() {
        String viaProxy = "127.0.0.1:" + proxy().port() + "/" + database;
        return Map.of(
                "quarkus.datasource.reactive.url", "postgresql://" + viaProxy,
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://" + viaProxy,
                "quarkus.datasource.username", user,
                "quarkus.datasource.password", password);
    }

    private void execute(String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + host + "/postgres", user, password);
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + host + " is needed for the tests: " + e.getMessage(), e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
