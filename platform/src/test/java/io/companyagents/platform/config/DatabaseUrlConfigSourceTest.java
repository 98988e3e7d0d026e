package io.companyagents.platform.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatabaseUrlConfigSourceTest {

    @Test
    void databaseUrlBecomesReactiveAndJdbcSettings() {
        Map<String, String> props = DatabaseUrlConfigSource.translate(Map.of(
                "DATABASE_URL", "postgres://ca:s%40cret@db.internal:6543/company",
                "PGSSLMODE", "require", "DATABASE_POOL_MIN", "2", "DATABASE_POOL_MAX", "30"));
        assertEquals("postgresql://db.internal:6543/company", props.get("quarkus.datasource.reactive.url"));
        assertEquals("jdbc:postgresql://db.internal:6543/company", props.get("quarkus.datasource.jdbc.url"));
        assertEquals("ca", props.get("quarkus.datasource.username"));
        assertEquals("s@cret", props.get("quarkus.datasource.password"));
        assertEquals("require", props.get("quarkus.datasource.reactive.postgresql.ssl-mode"));
        assertEquals("30", props.get("quarkus.datasource.reactive.max-size"));
        assertEquals("2", props.get("quarkus.datasource.jdbc.min-size"));
    }

    @Test
    void defaultsPortAndLeavesOtherSettingsAlone() {
        Map<String, String> props = DatabaseUrlConfigSource.translate(Map.of("DATABASE_URL", "postgresql://u@h/d"));
        assertEquals("postgresql://h:5432/d", props.get("quarkus.datasource.reactive.url"));
        assertTrue(props.get("quarkus.datasource.password") == null);
        assertTrue(DatabaseUrlConfigSource.translate(Map.of()).isEmpty());
    }

    @Test
    void rejectsSomethingThatIsNotAPostgresUrl() {
        assertThrows(IllegalArgumentException.class,
                () -> DatabaseUrlConfigSource.translate(Map.of("DATABASE_URL", "mysql://h/d")));
    }
}
