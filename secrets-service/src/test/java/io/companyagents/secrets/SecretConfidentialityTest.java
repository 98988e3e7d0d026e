package io.companyagents.secrets;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AesGcmKey;
import io.companyagents.platform.events.Topics;
import io.companyagents.platform.testing.RuntimeTestResource;
import io.companyagents.platform.testing.TestKafka;
import io.companyagents.platform.testing.TestPostgres;
import io.companyagents.platform.testing.TestTokens;
import io.companyagents.secrets.crypto.AssociatedData;
import io.companyagents.secrets.crypto.KeyEncryptionKeys;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

import static io.companyagents.secrets.SecretsApiClient.as;
import static io.companyagents.secrets.SecretsApiClient.json;
import static io.companyagents.secrets.SecretsApiClient.owner;
import static io.companyagents.secrets.SecretsApiClient.secret;
import static io.companyagents.secrets.SecretsApiClient.secrets;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where a value and the key material may and may not be seen. */
@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class SecretConfidentialityTest {

    @Inject
    KeyEncryptionKeys keks;

    @ConfigProperty(name = "company-agents.secrets.local.key-file")
    Path keyFile;

    /** Every form a leaked value could take in a column or a message. */
    private static List<String> forms(String marker) {
        byte[] bytes = marker.getBytes(StandardCharsets.UTF_8);
        return List.of(marker, Base64.getEncoder().encodeToString(bytes),
                Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), HexFormat.of().formatHex(bytes));
    }

    private static void assertNoForm(String where, String haystack, String marker) {
        for (String form : forms(marker)) {
            assertFalse(haystack.toLowerCase(Locale.ROOT).contains(form.toLowerCase(Locale.ROOT)),
                    where + " holds the value (as '" + form + "')");
        }
    }

    @Test
    void aValueAppearsNowhereButInTheRevealAnswer() throws Exception {
        UUID company = UUID.randomUUID();
        UUID agent = UUID.randomUUID();
        String first = "MARKER-" + UUID.randomUUID();
        String second = "MARKER-" + UUID.randomUUID();
        String gitToken = "MARKER-" + UUID.randomUUID();
        List<String> logLines = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logLines.add(String.valueOf(record.getMessage()) + " " + java.util.Arrays.toString(record.getParameters())
                        + " " + (record.getThrown() == null ? "" : String.valueOf(record.getThrown())));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.addHandler(capture);
        org.jboss.logging.Logger.getLogger(SecretConfidentialityTest.class).info("log capture is live");
        List<ExtractableResponse<Response>> answers = new ArrayList<>();
        String id;
        try {
            var created = as(owner(company)).header("Idempotency-Key", UUID.randomUUID().toString())
                    .body(json("name", "leak-check", "value", first, "description", "d"))
                    .post(secrets(company)).then().statusCode(201).extract();
            answers.add(created);
            id = created.path("id");
            answers.add(as(owner(company)).body(json("value", second)).put(secret(company, id) + "/value")
                    .then().statusCode(200).extract());
            answers.add(as(owner(company)).get(secret(company, id)).then().statusCode(200).extract());
            answers.add(as(owner(company)).get(secrets(company)).then().statusCode(200).extract());
            answers.add(as(owner(company)).body("{\"agentId\":\"" + agent + "\"}").post(secret(company, id) + "/grants")
                    .then().statusCode(201).extract());
            answers.add(as(owner(company)).body(json("token", gitToken))
                    .put("/internal/v1/companies/" + company + "/project-tokens/" + UUID.randomUUID())
                    .then().statusCode(200).extract());
            // errors whose requests carry the value
            answers.add(as(owner(company)).body(json("name", "leak-check", "value", first)).post(secrets(company))
                    .then().statusCode(409).extract());
            answers.add(as(owner(company)).body("{\"name\":\"x y\",\"value\":\"" + first + "\",\"bogus\":\"" + first + "\"}")
                    .post(secrets(company)).then().statusCode(400).extract());
            answers.add(as(owner(company)).body("{\"value\":\"" + first + "\",\"value2\":1}").put(secret(company, id) + "/value")
                    .then().statusCode(400).extract());
            answers.add(as(owner(company)).body("{\"value\":" + first.length() + first + "}").put(secret(company, id) + "/value")
                    .then().statusCode(400).extract());
            answers.add(as(TestTokens.board(company, "viewer")).body(json("value", first)).put(secret(company, id) + "/value")
                    .then().statusCode(403).extract());
            answers.add(as(owner(UUID.randomUUID())).body(json("value", first)).put(secret(company, id) + "/value")
                    .then().statusCode(404).extract());
            answers.add(as(TestTokens.board(company, "operator")).body(json("reason", "x")).post(secret(company, id) + "/reveal")
                    .then().statusCode(403).extract());
            answers.add(as(TestTokens.agent(company, UUID.randomUUID())).body(json("reason", "x"))
                    .post(secret(company, id) + "/reveal").then().statusCode(403).extract());

            var revealed = as(TestTokens.agent(company, agent)).body(json("reason", "deploy"))
                    .post(secret(company, id) + "/reveal").then().statusCode(200).extract();
            assertEquals(second, revealed.path("value"), "reveal is the one place the value is answered");
            assertEquals(first, as(owner(company)).body("{\"reason\":\"r\",\"version\":1}")
                    .post(secret(company, id) + "/reveal").then().statusCode(200).extract().path("value"));
        } finally {
            root.removeHandler(capture);
        }

        for (ExtractableResponse<Response> answer : answers) {
            String body = answer.asString() + answer.headers();
            assertNoForm("a " + answer.statusCode() + " answer", body, first);
            assertNoForm("a " + answer.statusCode() + " answer", body, second);
            assertNoForm("a " + answer.statusCode() + " answer", body, gitToken);
        }
        String logs = String.join("\n", logLines);
        assertTrue(logs.contains("log capture is live"), "the log capture sees the service's logging");
        assertNoForm("the log", logs, first);
        assertNoForm("the log", logs, second);
        assertNoForm("the log", logs, gitToken);

        for (String marker : List.of(first, second, gitToken)) {
            for (Column column : textAndByteaColumns()) {
                assertEquals(0, rowsContaining(column, marker), "column " + column + " holds the value");
            }
        }

        // created, version_added, grant_added and two reveals
        List<ConsumerRecord<String, String>> events = TestKafka.instance().awaitRecords(Topics.SECRETS,
                r -> r.value().contains(id), 5, Duration.ofSeconds(30));
        assertEquals(2, events.stream().filter(r -> r.value().contains("io.companyagents.secret.revealed")).count());
        // and every event on the topic so far, whatever it is about
        await().atMost(Duration.ofSeconds(30)).until(() -> SecretsApiClient.scalar(
                "select count(*) from secrets.outbox where sent_at is null") == 0);
        int published = (int) SecretsApiClient.scalar("select count(*) from secrets.outbox where topic = 'ca.secrets.v1'");
        for (ConsumerRecord<String, String> r : TestKafka.instance().awaitRecords(Topics.SECRETS, any -> true,
                published, Duration.ofSeconds(30))) {
            for (String marker : List.of(first, second, gitToken)) {
                assertNoForm("event at offset " + r.offset(), r.value(), marker);
            }
        }
    }

    @Test
    void theKeyFileIsReadableByItsOwnerOnly() throws Exception {
        assertTrue(Files.exists(keyFile), keyFile.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
    }

    @Test
    void noKeyMaterialEverReachesTheDatabase() throws Exception {
        UUID company = UUID.randomUUID();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(SecretsApiClient.create(company, "km-" + i, "value-" + i));
        }
        List<byte[]> keys = new ArrayList<>();
        KeysetHandle kek = TinkJsonProtoKeysetFormat.parseKeyset(Files.readString(keyFile), InsecureSecretKeyAccess.get());
        for (int i = 0; i < kek.size(); i++) {
            keys.add(((AesGcmKey) kek.getAt(i).getKey()).getKeyBytes().toByteArray(InsecureSecretKeyAccess.get()));
        }
        // the data keys too: stored only wrapped, never as themselves
        try (Connection c = TestPostgres.instance().connect();
             PreparedStatement s = c.prepareStatement("select wrapped_data_key from secrets.secret_versions"
                     + " where secret_id = ?::uuid and version = 1")) {
            for (String id : ids) {
                s.setString(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    KeysetHandle dataKey = TinkProtoKeysetFormat.parseEncryptedKeyset(rs.getBytes(1),
                            keks.current().unwrapping(),
                            new AssociatedData(company, UUID.fromString(id), 1).forDataKey());
                    keys.add(((AesGcmKey) dataKey.getAt(0).getKey()).getKeyBytes()
                            .toByteArray(InsecureSecretKeyAccess.get()));
                }
            }
        }
        assertTrue(keys.size() >= 4);

        String dump = dumpSchema();
        assertTrue(dump.contains("secret_versions"), "the dump covers the secrets schema");
        for (byte[] key : keys) {
            String hex = HexFormat.of().formatHex(key);
            String base64 = Base64.getEncoder().encodeToString(key);
            assertFalse(dump.contains(hex), "key bytes (hex) in the dump");
            assertFalse(dump.contains(base64), "key bytes (base64) in the dump");
            for (Column column : textAndByteaColumns()) {
                assertEquals(0, rowsContainingBytes(column, key), "key bytes in " + column);
            }
        }
    }

    /** {@code pg_dump --schema=secrets} when pg_dump is on the PATH; else every row of every table as text. */
    private static String dumpSchema() throws Exception {
        TestPostgres pg = TestPostgres.instance();
        String url = pg.jdbcUrl().substring("jdbc:postgresql://".length());
        String hostPort = url.substring(0, url.indexOf('/'));
        String database = url.substring(url.indexOf('/') + 1);
        String host = hostPort.contains(":") ? hostPort.substring(0, hostPort.indexOf(':')) : hostPort;
        String port = hostPort.contains(":") ? hostPort.substring(hostPort.indexOf(':') + 1) : "5432";
        try {
            ProcessBuilder pb = new ProcessBuilder("pg_dump", "--schema=secrets", "-h", host, "-p", port,
                    "-U", pg.user(), database).redirectErrorStream(true);
            pb.environment().put("PGPASSWORD", pg.password());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return out;
            }
        } catch (IOException notOnPath) {
            // fall through to SQL
        }
        StringBuilder all = new StringBuilder();
        try (Connection c = pg.connect(); ResultSet tables = c.createStatement().executeQuery(
                "select table_name from information_schema.tables where table_schema = 'secrets'")) {
            List<String> names = new ArrayList<>();
            while (tables.next()) {
                names.add(tables.getString(1));
            }
            for (String table : names) {
                all.append(table).append('\n');
                try (ResultSet rows = c.createStatement().executeQuery("select t::text from secrets." + table + " t")) {
                    while (rows.next()) {
                        all.append(rows.getString(1)).append('\n');
                    }
                }
            }
        }
        return all.toString();
    }

    private record Column(String table, String name, boolean bytea) {
        @Override
        public String toString() {
            return table + "." + name;
        }
    }

    /** Every text-like and bytea column of the secrets schema's tables. */
    private static List<Column> textAndByteaColumns() throws Exception {
        List<Column> columns = new ArrayList<>();
        try (Connection c = TestPostgres.instance().connect(); ResultSet rs = c.createStatement().executeQuery(
                "select c.table_name, c.column_name, c.data_type from information_schema.columns c"
                        + " join information_schema.tables t using (table_schema, table_name)"
                        + " where c.table_schema = 'secrets' and t.table_type = 'BASE TABLE'"
                        + " and c.data_type in ('text', 'bytea', 'character varying', 'json', 'jsonb')")) {
            while (rs.next()) {
                columns.add(new Column(rs.getString(1), rs.getString(2), "bytea".equals(rs.getString(3))));
            }
        }
        assertTrue(columns.stream().anyMatch(col -> col.toString().equals("secret_versions.ciphertext"))
                && columns.stream().anyMatch(col -> col.toString().equals("outbox.payload")), columns.toString());
        return columns;
    }

    private static long rowsContaining(Column column, String marker) throws Exception {
        long n = 0;
        for (String form : forms(marker)) {
            n += rowsContainingBytes(column, form.getBytes(StandardCharsets.UTF_8));
        }
        return n;
    }

    private static long rowsContainingBytes(Column column, byte[] needle) throws Exception {
        String haystack = column.bytea() ? column.name() : "convert_to(" + column.name() + "::text, 'UTF8')";
        try (Connection c = TestPostgres.instance().connect(); PreparedStatement s = c.prepareStatement(
                "select count(*) from secrets." + column.table() + " where position(? in " + haystack + ") > 0")) {
            s.setBytes(1, needle);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
