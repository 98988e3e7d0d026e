package io.companyagents.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.companyagents.cli.CompanyAgents;
import io.companyagents.cli.testing.TestSupport;
import io.companyagents.cli.up.Ports;
import io.companyagents.cli.up.RunningSystem;
import io.companyagents.cli.up.SystemLauncher;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The restore drill, with the real system (embedded PostgreSQL 16, Kafka, five services, gateway) and the CLI
 * commands as a user runs them: seed a company through the gateway, back it up while it runs, stop, wipe,
 * restore into a fresh instance, start again and compare; move the database to an external PostgreSQL and
 * back; damaged archives change nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupRestoreIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TestSupport RESOURCES = new TestSupport();
    private static final Path HOME = Path.of(System.getProperty("company-agents.test.home", "..")).toAbsolutePath().normalize();
    private static final String SECRET_VALUE = "ghp_restore-drill-" + UUID.randomUUID();

    private static Path original;
    private static Path restored;
    private static RunningSystem system;
    private static String admin;
    private static String company;
    private static String agent;
    private static String task;
    private static String secret;
    private static String boardKey;
    private static Path backup;
    private static JsonNode backupResult;
    private static final Map<String, JsonNode> answersBefore = new LinkedHashMap<>();
    private static final List<String> timings = new ArrayList<>();

    @BeforeAll
    static void up() {
        // the CLI's temporary embedded PostgreSQL uses the binaries the tests already unpacked
        System.setProperty("company-agents.cache-dir", TestSupport.cacheDir().toString());
        original = TestSupport.workDir("drill-original");
        restored = TestSupport.workDir("drill-restored");
        system = launch(original, "drill-a");
    }

    @AfterAll
    static void down() {
        RESOURCES.close();
        timings.forEach(t -> System.out.println("[drill] " + t));
    }

    private static RunningSystem launch(Path instance, String name) {
        RunningSystem s;
        try {
            s = RESOURCES.register(new SystemLauncher(TestSupport.config(instance, HOME)
                    .withReadyTimeout(Duration.ofSeconds(240)), TestSupport.reporter(name)).launch());
        } catch (io.companyagents.cli.up.LaunchException e) {
            // the machine is shared: a free port picked above can be taken before a service binds it
            if (!String.valueOf(e.getMessage()).contains("in use")) {
                throw e;
            }
            System.out.println("[" + name + "] port taken meanwhile, launching again on other ports");
            s = RESOURCES.register(new SystemLauncher(TestSupport.config(instance, HOME)
                    .withReadyTimeout(Duration.ofSeconds(240)), TestSupport.reporter(name)).launch());
        }
        admin = s.adminKey();
        RestAssured.baseURI = s.gatewayUrl();
        RestAssured.port = -1;
        return s;
    }

    record Run(int exit, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + out, e);
            }
        }
    }

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = CompanyAgents.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        System.out.println("[cli] $ company-agents " + String.join(" ", args) + "  → exit " + code);
        err.toString().lines().forEach(l -> System.out.println("[cli:err] " + l));
        out.toString().lines().forEach(l -> System.out.println("[cli:out] " + l));
        return new Run(code, out.toString(), err.toString());
    }

    private static RequestSpecification asAdmin() {
        return given().auth().oauth2(admin).contentType(ContentType.JSON);
    }

    private static JsonNode getJson(String path) throws Exception {
        String body = asAdmin().get(path).then().statusCode(200).extract().asString();
        return JSON.readTree(body);
    }

    private static List<String> auditTypes() {
        return asAdmin().queryParam("limit", 200).get("/api/v1/companies/" + company + "/audit-events")
                .then().statusCode(200).extract().path("items.type");
    }

    private static String reveal() {
        return given().auth().oauth2(boardKey).contentType(ContentType.JSON).body(Map.of("reason", "restore drill"))
                .post("/api/v1/companies/" + company + "/secrets/" + secret + "/reveal")
                .then().statusCode(200).extract().path("value");
    }

    /** The sample of API answers compared before the backup and after the restore. */
    private static Map<String, JsonNode> sampleAnswers() throws Exception {
        String c = "/api/v1/companies/" + company;
        Map<String, JsonNode> answers = new LinkedHashMap<>();
        for (String path : List.of(c, c + "/agents?limit=200", c + "/agents/" + agent, c + "/tasks/" + task,
                c + "/tasks?limit=200", c + "/cost-entries?limit=200", c + "/secrets?limit=200", c + "/secrets/" + secret,
                c + "/audit-events?limit=200", c + "/audit/verify", c + "/keys?limit=200")) {
            answers.put(path, getJson(path));
        }
        return answers;
    }

    @Test
    @Order(1)
    void aCompanyWithAgentsTasksCostsASecretAndAuditHistoryIsSeededThroughTheGateway() throws Exception {
        company = asAdmin().body(Map.of("name", "Restore Drill Co")).post("/api/v1/companies").then().statusCode(201)
                .extract().path("id");
        String c = "/api/v1/companies/" + company;
        agent = asAdmin().body(Map.of("name", "Ada", "role", "engineer")).post(c + "/agents").then().statusCode(201)
                .extract().path("id");
        asAdmin().body(Map.of("name", "Grace", "role", "reviewer")).post(c + "/agents").then().statusCode(201);
        String agentKey = asAdmin().body(Map.of("name", "drill")).post(c + "/agents/" + agent + "/keys")
                .then().statusCode(201).extract().path("key");
        boardKey = asAdmin().body(Map.of("kind", "board", "companyId", company, "role", "owner", "name", "drill owner"))
                .post("/api/v1/keys").then().statusCode(201).extract().path("key");
        task = asAdmin().body(Map.of("title", "Write the runbook", "reviewPolicy", "none")).post(c + "/tasks")
                .then().statusCode(201).extract().path("id");
        asAdmin().body(Map.of("title", "Left open", "reviewPolicy", "none")).post(c + "/tasks").then().statusCode(201);

        RequestSpecification asAgent = given().auth().oauth2(agentKey).contentType(ContentType.JSON);
        var claim = await().atMost(Duration.ofSeconds(30)).until(() -> given().auth().oauth2(agentKey)
                .contentType(ContentType.JSON).body(Map.of("agentId", agent, "leaseSeconds", 120))
                .post(c + "/claims").then().extract(), r -> r.statusCode() == 200);
        long epoch = ((Number) claim.path("lease.leaseEpoch")).longValue();
        String claimedTask = claim.path("task.id");
        String run = claim.path("run.id");
        given().auth().oauth2(agentKey).contentType(ContentType.JSON).body(Map.of("leaseEpoch", epoch))
                .post(c + "/tasks/" + claimedTask + "/actions/start").then().statusCode(200);
        asAgent.body(Map.of("leaseEpoch", epoch, "outcome", "succeeded", "usage", Map.of("provider", "anthropic",
                        "model", "claude-sonnet-4-5", "inputTokens", 1200, "outputTokens", 300)))
                .post(c + "/runs/" + run + "/finish").then().statusCode(200);
        task = claimedTask;
        asAdmin().header("Idempotency-Key", "drill-cost-1").body(Map.of("agentId", agent, "provider", "anthropic",
                        "model", "claude-sonnet-4-5", "inputTokens", 5000, "outputTokens", 700,
                        // the seeded price table has no claude-sonnet-4-5 yet (422 price_unknown without a cost)
                        "costMicros", 25_500, "occurredAt", Instant.now().minusSeconds(60).toString()))
                .post(c + "/cost-entries").then().statusCode(201);
        secret = asAdmin().body(Map.of("name", "github-token", "value", SECRET_VALUE)).post(c + "/secrets")
                .then().statusCode(201).extract().path("id");
        assertEquals(SECRET_VALUE, reveal());

        // the audit trail has caught up and stopped moving
        List<String> expected = List.of("io.companyagents.company.created", "io.companyagents.agent.created",
                "io.companyagents.task.created", "io.companyagents.run.finished", "io.companyagents.cost.recorded",
                "io.companyagents.secret.revealed");
        int[] last = {-1};
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            List<String> types = auditTypes();
            boolean stable = types.containsAll(expected) && types.size() == last[0];
            last[0] = types.size();
            return stable;
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> ((List<?>) asAdmin().get(c + "/cost-entries?limit=200")
                .then().statusCode(200).extract().path("items")).size() >= 2);

        Run verify = cli("audit", "verify", "--instance-dir", original.toString(), "--company", company);
        assertEquals(0, verify.exit(), verify.err());
        assertTrue(verify.out().contains("All 1 audit chain verify."), verify.out());
        answersBefore.putAll(sampleAnswers());
        assertTrue(answersBefore.get(c + "/audit-events?limit=200").path("items").size() >= expected.size());
    }

    @Test
    @Order(2)
    void aBackupTakenWhileTheSystemRunsIsAConsistentVerifiableArchive() throws Exception {
        long t0 = System.nanoTime();
        Run create = cli("backup", "create", "--instance-dir", original.toString(), "--json");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(0, create.exit(), create.err());
        backupResult = create.json();
        backup = Path.of(backupResult.path("file").asText());
        timings.add(String.format("backup create (system running): %.1f s, %s, %d rows", seconds,
                Ops.humanBytes(Files.size(backup)), backupResult.path("rows").asLong()));
        assertTrue(backup.startsWith(original.resolve("backups")), backup.toString());
        assertTrue(create.err().contains("Snapshot taken"), create.err());
        assertEquals(6, backupResult.path("schemas").asInt());
        assertTrue(backupResult.path("auditChains").asInt() >= 1);
        Manifest manifest = BackupArchive.readManifest(backup);
        assertTrue(manifest.source().systemRunning());
        assertTrue(manifest.database().auditHeads().containsKey(company));
        for (String f : List.of("secrets/master.key", "secrets/audit-signing.key", "secrets/internal-jwt-private.pem",
                "secrets/internal-jwt-public.pem", "admin.key", manifest.dump().file())) {
            assertTrue(manifest.file(f) != null, f + " in " + manifest.files());
        }
        Map<String, Long> ledger = manifest.database().schemas().get("ledger").tables();
        assertTrue(ledger.get("cost_entries") >= 2, ledger.toString());

        Run verify = cli("backup", "verify", backup.toString());
        assertEquals(0, verify.exit(), verify.err());
        assertTrue(verify.out().contains("is good"), verify.out());
        Run list = cli("backup", "list", "--instance-dir", original.toString(), "--json");
        assertEquals(0, list.exit(), list.err());
        assertEquals(backup.toString(), list.json().path("backups").get(0).path("file").asText());
        assertEquals(backupResult.path("rows").asLong(), list.json().path("backups").get(0).path("rows").asLong());

        Run refused = cli("backup", "restore", backup.toString(), "--instance-dir", original.toString());
        assertEquals(2, refused.exit());
        assertTrue(refused.err().contains("is running") && refused.err().contains("stop it first"), refused.err());
    }

    @Test
    @Order(3)
    void afterStopAndWipeTheBackupRestoresIntoAFreshInstanceAndIsCheckedAgainstTheManifest() throws Exception {
        system.close();
        Ops.deleteTree(original.resolve("db"));
        Ops.deleteTree(original.resolve("secrets"));

        long t0 = System.nanoTime();
        Run restore = cli("backup", "restore", backup.toString(), "--instance-dir", restored.toString(), "--json");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(0, restore.exit(), restore.err());
        timings.add(String.format("backup restore (fresh instance, incl. embedded PostgreSQL start/initdb): %.1f s", seconds));
        JsonNode r = restore.json();
        assertTrue(r.path("verified").asBoolean());
        assertTrue(r.path("verification").asText().contains(backupResult.path("rows").asLong() + " rows match the manifest"),
                r.toString());
        for (String f : List.of("secrets/master.key", "secrets/audit-signing.key", "admin.key")) {
            assertEquals(-1L, Files.mismatch(restored.resolve(f), Files.exists(original.resolve(f)) ? original.resolve(f)
                    : extracted(f)), f);
        }

        // a second restore without --force refuses and changes nothing; with --force it replaces
        String before = cli("db", "status", "--instance-dir", restored.toString(), "--json").out();
        Run again = cli("backup", "restore", backup.toString(), "--instance-dir", restored.toString());
        assertEquals(1, again.exit());
        assertTrue(again.err().contains("Refusing to overwrite existing data") && again.err().contains("--force")
                && again.err().contains("Nothing was changed"), again.err());
        assertEquals(rowsOf(before), rowsOf(cli("db", "status", "--instance-dir", restored.toString(), "--json").out()));
        Run forced = cli("backup", "restore", backup.toString(), "--instance-dir", restored.toString(), "--force");
        assertEquals(0, forced.exit(), forced.err());
        assertTrue(forced.out().contains("Verified:"), forced.out());
    }

    @Test
    @Order(4)
    void theRestoredSystemStartsAndAnswersExactlyAsBeforeChainsVerifyAndTheSecretRevealsTheSameValue() throws Exception {
        system = launch(restored, "drill-b");
        assertFalse(system.adminKeyCreated(), "admin.key came from the backup");
        Map<String, JsonNode> after = sampleAnswers();
        for (var e : answersBefore.entrySet()) {
            assertEquals(e.getValue(), after.get(e.getKey()), "GET " + e.getKey());
        }
        Run verify = cli("audit", "verify", "--instance-dir", restored.toString());
        assertEquals(0, verify.exit(), verify.err());
        assertTrue(verify.out().contains("audit chain") && verify.out().contains("verify."), verify.out());
        assertEquals(SECRET_VALUE, reveal(), "the old board key and the restored master key still work");

        // the restored system takes new work, and its audit writer (a role with grants) still appends
        String c = "/api/v1/companies/" + company;
        asAdmin().body(Map.of("title", "After the restore", "reviewPolicy", "none")).post(c + "/tasks").then().statusCode(201);
        int before = answersBefore.get(c + "/audit-events?limit=200").path("items").size();
        await().atMost(Duration.ofSeconds(60)).until(() -> auditTypes().size() > before);

        Run rotate = cli("keys", "rotate", "--instance-dir", restored.toString());
        assertEquals(0, rotate.exit(), rotate.err());
        assertTrue(rotate.out().contains("Key rotation completed"), rotate.out());
        assertTrue(rotate.err().contains("re-wrapped"), rotate.err());
        assertEquals(SECRET_VALUE, reveal(), "still the same value after a KEK rotation");
        assertEquals(0, cli("audit", "verify", "--instance-dir", restored.toString()).exit());

        // and a tampered row is caught: audit verify fails with the company and the first bad seq
        try (Connection conn = system.postgres().connect(); Statement s = conn.createStatement()) {
            s.execute("alter table audit.audit_events disable trigger audit_events_no_update");
            s.execute("update audit.audit_events set type = 'io.companyagents.tampered' where company_id = '" + company
                    + "' and seq = 2");
            s.execute("alter table audit.audit_events enable trigger audit_events_no_update");
        }
        Run tampered = cli("audit", "verify", "--instance-dir", restored.toString(), "--json");
        assertEquals(1, tampered.exit(), tampered.out());
        JsonNode bad = tampered.json();
        assertFalse(bad.path("ok").asBoolean());
        assertEquals(1, bad.path("broken").asInt());
        system.close();
    }

    @Test
    @Order(5)
    void theDatabaseMovesToAnExternalPostgresAndBackWithCountsAndChainHeadsVerified() throws Exception {
        String db = "ca_it_" + Long.toString(System.nanoTime(), 36);
        String adminUrl = "jdbc:postgresql://127.0.0.1:5432/postgres";
        Assumptions.assumeTrue(Ports.isListening("127.0.0.1", 5432, 1000), "no PostgreSQL on 127.0.0.1:5432");
        boolean roleExisted;
        try (Connection c = DriverManager.getConnection(adminUrl, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("create database " + db);
            try (var rs = s.executeQuery("select 1 from pg_roles where rolname = 'ca_audit_writer'")) {
                roleExisted = rs.next();
            }
        }
        RESOURCES.register(() -> {
            try (Connection c = DriverManager.getConnection(adminUrl, "postgres", ""); Statement s = c.createStatement()) {
                s.execute("drop database if exists " + db + " with (force)");
                if (!roleExisted) { // the import created the audit writer role in this shared cluster
                    s.execute("drop role if exists ca_audit_writer");
                }
            }
        });
        String url = "postgres://postgres@127.0.0.1:5432/" + db;
        Path dir = TestSupport.workDir("db-move");

        Path out = dir.resolve("embedded.tar.gz");
        Run export = cli("db", "export", "--instance-dir", restored.toString(), "--output", out.toString(), "--json");
        assertEquals(0, export.exit(), export.err());
        long rows = export.json().path("rows").asLong();
        Run imported = cli("db", "import", out.toString(), "--instance-dir", restored.toString(), "--database-url", url);
        assertEquals(0, imported.exit(), imported.err());
        assertTrue(imported.out().contains(rows + " rows match the manifest") && imported.out().contains("audit chain heads match"),
                imported.out());

        Path back = dir.resolve("external.tar.gz");
        Run exportBack = cli("db", "export", "--database-url", url, "--output", back.toString(), "--json");
        assertEquals(0, exportBack.exit(), exportBack.err());
        assertEquals(rows, exportBack.json().path("rows").asLong());
        assertEquals(0, cli("backup", "verify", back.toString()).exit());
        Path fresh = TestSupport.workDir("db-move-back");
        Run importBack = cli("db", "import", back.toString(), "--instance-dir", fresh.toString(), "--database-url", "");
        assertEquals(0, importBack.exit(), importBack.err());
        assertTrue(importBack.out().contains(rows + " rows match the manifest"), importBack.out());
        JsonNode heads = cli("db", "status", "--instance-dir", fresh.toString(), "--json", "--home", HOME.toString()).json();
        for (JsonNode s : heads.path("schemas")) {
            assertEquals(0, s.path("pending").asInt(), s.toString());
            assertEquals(backupResult.path("flywayHeads").path(s.path("schema").asText()).asText(), s.path("head").asText());
        }
        // importing again refuses a database that has the schemas
        Run twice = cli("db", "import", out.toString(), "--instance-dir", restored.toString(), "--database-url", url);
        assertEquals(1, twice.exit());
        assertTrue(twice.err().contains("is not empty"), twice.err());
    }

    @Test
    @Order(6)
    void aCorruptedOrTruncatedBackupIsRefusedWithAClearErrorAndNothingChanges() throws Exception {
        Path dir = TestSupport.workDir("damaged");
        byte[] bytes = Files.readAllBytes(backup);
        Path truncated = dir.resolve("truncated.tar.gz");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length * 2 / 3));
        Path corrupted = dir.resolve("corrupted.tar.gz");
        byte[] flipped = bytes.clone();
        for (int i = bytes.length / 2; i < bytes.length / 2 + 16; i++) {
            flipped[i] ^= (byte) 0xA5;
        }
        Files.write(corrupted, flipped);
        String statusBefore = rowsOf(cli("db", "status", "--instance-dir", restored.toString(), "--json").out());
        String keyBefore = Ops.sha256(restored.resolve("secrets/master.key"));
        for (Path bad : List.of(truncated, corrupted)) {
            Run verify = cli("backup", "verify", bad.toString());
            assertEquals(1, verify.exit(), verify.err());
            assertTrue(verify.err().contains("is unusable:") && (verify.err().contains("truncated")
                    || verify.err().contains("corrupted") || verify.err().contains("checksum mismatch")), verify.err());
            assertEquals(1, verify.err().strip().lines().filter(l -> !l.startsWith("Reading")).count(), verify.err());

            Path fresh = dir.resolve("never-created-" + bad.getFileName());
            Run intoFresh = cli("backup", "restore", bad.toString(), "--instance-dir", fresh.toString());
            assertEquals(1, intoFresh.exit());
            assertTrue(intoFresh.err().contains("Nothing was changed"), intoFresh.err());
            assertFalse(Files.exists(fresh), "no instance directory was created");

            Run overExisting = cli("backup", "restore", bad.toString(), "--instance-dir", restored.toString(), "--force");
            assertEquals(1, overExisting.exit());
            Run importing = cli("db", "import", bad.toString(), "--instance-dir", restored.toString(), "--force");
            assertEquals(1, importing.exit());
        }
        assertEquals(statusBefore, rowsOf(cli("db", "status", "--instance-dir", restored.toString(), "--json").out()));
        assertEquals(keyBefore, Ops.sha256(restored.resolve("secrets/master.key")));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(2, left.count(), "no temporary files left next to the damaged archives");
        }
    }

    @Test
    @Order(7)
    void dbMigrateBringsAnEmptyInstanceToTheHeadsWithoutStartingTheServices() {
        Path fresh = TestSupport.workDir("migrate");
        Run migrate = cli("db", "migrate", "--instance-dir", fresh.toString(), "--home", HOME.toString(), "--json");
        assertEquals(0, migrate.exit(), migrate.err());
        assertNotEquals(0, migrate.json().path("applied").asInt());
        JsonNode status = cli("db", "status", "--instance-dir", fresh.toString(), "--home", HOME.toString(), "--json").json();
        for (JsonNode s : status.path("schemas")) {
            assertEquals(backupResult.path("flywayHeads").path(s.path("schema").asText()).asText(), s.path("head").asText(),
                    s.toString());
            assertEquals(0, s.path("pending").asInt());
        }
        Run again = cli("db", "migrate", "--instance-dir", fresh.toString(), "--home", HOME.toString(), "--json");
        assertEquals(0, again.json().path("applied").asInt());
    }

    /** Rows per schema from a db status --json answer (for "nothing changed"). */
    private static String rowsOf(String statusJson) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (JsonNode s : JSON.readTree(statusJson).path("schemas")) {
            sb.append(s.path("schema").asText()).append('=').append(s.path("rows").asLong()).append(' ');
        }
        return sb.toString();
    }

    private static Path extracted(String file) throws Exception {
        Path dir = TestSupport.workDir("extract");
        BackupArchive.read(backup, dir, n -> n.equals(file));
        return dir.resolve(file);
    }
}
