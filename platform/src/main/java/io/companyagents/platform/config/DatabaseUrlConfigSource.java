package io.companyagents.platform.config;

import org.eclipse.microprofile.config.spi.ConfigSource;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads the product's documented connection variables — {@code DATABASE_URL}
 * ({@code postgres://user:pass@host:port/db}), {@code PGSSLMODE}, {@code DATABASE_POOL_MIN},
 * {@code DATABASE_POOL_MAX} — and turns them into the Quarkus datasource properties (reactive
 * pool for queries, JDBC for Flyway). Ordinal 275: above application.properties, below
 * explicit {@code QUARKUS_DATASOURCE_*} environment variables and system properties.
 */
public class DatabaseUrlConfigSource implements ConfigSource {

    private final Map<String, String> properties;

    public DatabaseUrlConfigSource() {
        this(System.getenv());
    }

    DatabaseUrlConfigSource(Map<String, String> env) {
        this.properties = translate(env);
    }

    static Map<String, String> translate(Map<String, String> env) {
        Map<String, String> props = new HashMap<>();
        String url = env.get("DATABASE_URL");
        if (url != null && !url.isBlank()) {
            URI uri = URI.create(url.trim());
            if (!"postgres".equals(uri.getScheme()) && !"postgresql".equals(uri.getScheme())) {
                throw new IllegalArgumentException("DATABASE_URL must look like postgres://user:pass@host:port/db");
            }
            String host = uri.getHost() == null ? "127.0.0.1" : uri.getHost();
            int port = uri.getPort() < 0 ? 5432 : uri.getPort();
            String db = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
            props.put("quarkus.datasource.reactive.url", "postgresql://" + host + ":" + port + "/" + db);
            props.put("quarkus.datasource.jdbc.url", "jdbc:postgresql://" + host + ":" + port + "/" + db);
            String userInfo = uri.getRawUserInfo();
            if (userInfo != null) {
                int colon = userInfo.indexOf(':');
                props.put("quarkus.datasource.username", decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
                if (colon >= 0) {
                    props.put("quarkus.datasource.password", decode(userInfo.substring(colon + 1)));
                }
            }
        }
        String sslMode = env.get("PGSSLMODE");
        if (sslMode != null && !sslMode.isBlank()) {
            props.put("quarkus.datasource.reactive.postgresql.ssl-mode", sslMode.trim());
            props.put("quarkus.datasource.jdbc.additional-jdbc-properties.sslmode", sslMode.trim());
        }
        String min = env.get("DATABASE_POOL_MIN");
        if (min != null && !min.isBlank()) {
            props.put("quarkus.datasource.jdbc.min-size", min.trim());
        }
        String max = env.get("DATABASE_POOL_MAX");
        if (max != null && !max.isBlank()) {
            props.put("quarkus.datasource.reactive.max-size", max.trim());
        }
        return Map.copyOf(props);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    @Override
    public Map<String, String> getProperties() {
        return properties;
    }

    @Override
    public Set<String> getPropertyNames() {
        return properties.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return properties.get(propertyName);
    }

    @Override
    public String getName() {
        return "DATABASE_URL";
    }

    @Override
    public int getOrdinal() {
        return 275;
    }
}
