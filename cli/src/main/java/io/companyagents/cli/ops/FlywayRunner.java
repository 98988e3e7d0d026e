package io.companyagents.cli.ops;

import io.companyagents.cli.up.Component;
import io.companyagents.cli.up.PostgresServer;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * {@code db migrate} / {@code db status}: Flyway, configured as each service configures it at start
 * ({@code db/platform} then {@code db/migration}, schema = default schema = the service's, schemas created),
 * over the migration files inside the service's packaged application
 * ({@code <home>/<module>/target/quarkus-app/app/*.jar} and the platform jar in {@code lib/main/}). No service is
 * started; Kafka is not needed.
 */
final class FlywayRunner {

    static {
        // Flyway logs every step at INFO through slf4j-simple; the commands print their own progress
        if (System.getProperty("org.slf4j.simpleLogger.log.org.flywaydb") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.org.flywaydb", "warn");
        }
    }

    private FlywayRunner() {
    }

    record Outcome(String before, String head, int applied) {
    }

    static Path home(Path option) {
        if (option != null) {
            return option.toAbsolutePath().normalize();
        }
        String prop = System.getProperty("company-agents.home");
        return (prop == null || prop.isBlank() ? Path.of("") : Path.of(prop)).toAbsolutePath().normalize();
    }

    static boolean jarsPresent(Path home) {
        return Ops.SCHEMAS.stream().allMatch(s -> !jars(home, s).isEmpty());
    }

    static void requireJars(Path home) {
        List<String> missing = Ops.SCHEMAS.stream().filter(s -> jars(home, s).isEmpty())
                .map(s -> Component.byId(s).module() + "/target/quarkus-app").toList();
        if (!missing.isEmpty()) {
            throw Ops.environment("Missing the packaged services under " + home + ": " + String.join(", ", missing)
                    + " (their migrations are read from there). Build them (./mvnw -q -B package -DskipTests) or "
                    + "pass --home.");
        }
    }

    /** The service's application jar(s) and the platform jar (db/platform migrations). */
    static List<URL> jars(Path home, String schema) {
        Path app = home.resolve(Component.byId(schema).module()).resolve("target/quarkus-app");
        List<URL> urls = new ArrayList<>();
        try {
            for (Path dir : List.of(app.resolve("app"), app.resolve("lib/main"))) {
                if (!Files.isDirectory(dir)) {
                    return List.of();
                }
                try (Stream<Path> list = Files.list(dir)) {
                    for (Path jar : list.sorted().toList()) {
                        String name = jar.getFileName().toString();
                        if (name.endsWith(".jar") && (dir.endsWith("app") || name.startsWith("io.companyagents.platform"))) {
                            urls.add(jar.toUri().toURL());
                        }
                    }
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return urls.size() >= 2 ? urls : List.of();
    }

    private static Flyway flyway(ClassLoader loader, String schema, PostgresServer server) {
        return Flyway.configure(loader)
                .dataSource(new ServerDataSource(server))
                .locations("classpath:db/platform", "classpath:db/migration")
                .schemas(schema)
                .defaultSchema(schema)
                .createSchemas(true)
                .cleanDisabled(true)
                .load();
    }

    static Outcome migrate(Path home, String schema, PostgresServer server) throws IOException {
        try (URLClassLoader loader = new MigrationsLoader(jars(home, schema))) {
            MigrateResult r = flyway(loader, schema, server).migrate();
            String head = r.targetSchemaVersion != null ? r.targetSchemaVersion : r.initialSchemaVersion;
            return new Outcome(r.initialSchemaVersion, head, r.migrationsExecuted);
        } catch (org.flywaydb.core.api.FlywayException e) {
            throw Ops.fail("Migrating schema " + schema + " failed: " + Ops.reason(e));
        }
    }

    static int pending(Path home, String schema, PostgresServer server) throws IOException {
        try (URLClassLoader loader = new MigrationsLoader(jars(home, schema))) {
            MigrationInfo[] pending = flyway(loader, schema, server).info().pending();
            return pending.length;
        } catch (org.flywaydb.core.api.FlywayException e) {
            throw Ops.fail("Reading the migrations of schema " + schema + " failed: " + Ops.reason(e));
        }
    }

    /**
     * Flyway's classes from the CLI, but {@code db/…} resources only from the one service's jars: another
     * service's migrations elsewhere on the class path must never be mixed in.
     */
    private static final class MigrationsLoader extends URLClassLoader {
        MigrationsLoader(List<URL> jars) {
            super(jars.toArray(URL[]::new), FlywayRunner.class.getClassLoader());
        }

        @Override
        public URL getResource(String name) {
            return name.startsWith("db/") ? findResource(name) : super.getResource(name);
        }

        @Override
        public java.util.Enumeration<URL> getResources(String name) throws IOException {
            return name.startsWith("db/") ? findResources(name) : super.getResources(name);
        }
    }

    /** A DataSource over {@link PostgresServer#connect()} (its credentials and SSL settings). */
    private static final class ServerDataSource implements DataSource {
        private final PostgresServer server;

        ServerDataSource(PostgresServer server) {
            this.server = server;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return server.connect();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return server.connect();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
