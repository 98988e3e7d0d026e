package io.companyagents.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.companyagents.platform.events.Topics;
import io.companyagents.platform.testing.RuntimeTestResource;
import io.companyagents.platform.testing.TestKafka;
import io.companyagents.platform.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sixteen writers at once, each retrying some of its posts with the same Idempotency-Key (and
 * some keys posted by two writers at the same moment): exactly the distinct entries are
 * recorded, every summary equals the sum of the entries while the writes go on and after, and
 * each budget's rolled-up spend equals the sum of the entries it covers.
 */
@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class ConcurrentLedgerTest {

    private static final Logger LOG = Logger.getLogger(ConcurrentLedgerTest.class);
    /** The 10,000 (about 40 s of writing on two busy cores); {@code -Dledger.concurrent.entries=N} changes it. */
    private static final int ENTRIES = Integer.getInteger("ledger.concurrent.entries", 10_000);
    private static final int WRITERS = 16;
    private static final int TEAMS = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Planned(int n, UUID agent, UUID team, String key, String body, long cost, long in, long out, String day) {
    }

    @Test
    void tenThousandEntriesFromSixteenWritersWithRetriesAreRecordedOnceAndEverySummaryEqualsTheirSum() throws Exception {
        LedgerFixtures f = new LedgerFixtures();
        UUID[] agents = new UUID[WRITERS];
        UUID[] teams = new UUID[TEAMS];
        for (int t = 0; t < TEAMS; t++) {
            teams[t] = UUID.randomUUID();
        }
        Map<UUID, UUID> teamOfAgent = new HashMap<>();
        for (int w = 0; w < WRITERS; w++) {
            agents[w] = UUID.randomUUID();
            teamOfAgent.put(agents[w], teams[w % TEAMS]);
        }
        f.agentsInTeams(teamOfAgent);
        UUID[] projects = {UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID()};
        UUID[] tasks = new UUID[50];
        for (int i = 0; i < tasks.length; i++) {
            tasks[i] = UUID.randomUUID();
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        OffsetDateTime monthStart = OffsetDateTime.of(now.getYear(), now.getMonthValue(), 1, 0, 0, 0, 0, ZoneOffset.UTC);
        int days = Math.min(3, now.getDayOfMonth());

        // budgets on every team (never reached) and on agent 0 (reached part-way through)
        List<String> teamBudgets = new ArrayList<>();
        for (UUID team : teams) {
            teamBudgets.add(f.putBudget("team", team, Map.of("limitMicros", 1_000_000_000_000L, "window", "month"))
                    .then().statusCode(201).extract().path("id"));
        }
        String agentBudget = f.putBudget("agent", agents[0], Map.of("limitMicros", 200_000, "window", "month"))
                .then().statusCode(201).extract().path("id");

        List<Planned> plan = new ArrayList<>(ENTRIES);
        for (int n = 0; n < ENTRIES; n++) {
            int w = n % WRITERS;
            long in = 100 + n % 1000;
            long out = 10 + n % 200;
            long cached = n % 7 == 0 ? 333 : 0;
            String provider;
            String model;
            Long reported = null;
            long cost;
            switch (n % 3) {
                case 0 -> {
                    provider = "anthropic";
                    model = "claude-sonnet-4";
                    cost = expected(in, out, cached, 3_000_000, 15_000_000, 300_000);
                }
                case 1 -> {
                    provider = "xai";
                    model = "grok-4";
                    cost = expected(in, out, cached, 3_000_000, 15_000_000, 750_000);
                }
                default -> {
                    provider = "ollama";
                    model = "llama3.1:8b";
                    reported = (long) (n % 997);
                    cost = reported;
                }
            }
            OffsetDateTime at = monthStart.plusDays(n % days).plusMinutes(n % 600);
            if (at.isAfter(now)) {
                at = now.minusSeconds(1);
            }
            Map<String, Object> body = new HashMap<>(Map.of("agentId", agents[w].toString(), "provider", provider, "model", model,
                    "inputTokens", in, "outputTokens", out, "occurredAt", at.toString(), "taskId", tasks[n % tasks.length].toString(),
                    "projectId", projects[n % projects.length].toString()));
            if (cached > 0) {
                body.put("cachedInputTokens", cached);
            }
            if (reported != null) {
                body.put("costMicros", reported);
            }
            plan.add(new Planned(n, agents[w], teams[w % TEAMS], "entry-" + n, JSON.writeValueAsString(body), cost, in, out,
                    at.toLocalDate().toString()));
        }

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String url = RestAssured.baseURI + ":" + RestAssured.port + "/api/v1/companies/" + f.company + "/cost-entries";
        Map<Integer, String> ids = new ConcurrentHashMap<>();
        Set<String> mismatched = ConcurrentHashMap.newKeySet();
        AtomicInteger requests = new AtomicInteger();
        AtomicBoolean writing = new AtomicBoolean(true);
        List<String> inconsistent = new ArrayList<>();
        AtomicInteger summariesRead = new AtomicInteger();

        ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 1);
        long started = System.nanoTime();
        try {
            // a reader checks, while the writes go on, that a summary always adds up
            Future<?> reader = pool.submit(() -> {
                while (writing.get()) {
                    JsonNode s = summary(http, f, "agent");
                    long groups = 0;
                    for (JsonNode g : s.get("groups")) {
                        groups += g.get("costMicros").asLong();
                    }
                    if (groups != s.get("totalMicros").asLong()) {
                        synchronized (inconsistent) {
                            inconsistent.add(groups + " != " + s.get("totalMicros").asLong());
                        }
                    }
                    summariesRead.incrementAndGet();
                    Thread.sleep(100);
                }
                return null;
            });
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                String token = TestTokens.agent(f.company, agents[w]);
                writers.add(pool.submit(() -> {
                    for (Planned p : plan) {
                        boolean mine = p.n() % WRITERS == writer;
                        // every 50th entry is also posted by the next writer at about the same time
                        boolean shared = p.n() % 50 == 7 && (p.n() + 1) % WRITERS == writer;
                        if (!mine && !shared) {
                            continue;
                        }
                        String agentToken = mine ? token : TestTokens.agent(f.company, p.agent());
                        int attempts = mine && p.n() % 10 == 3 ? 2 : 1;
                        for (int a = 0; a < attempts; a++) {
                            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
                                    .header("Authorization", "Bearer " + agentToken).header("Content-Type", "application/json")
                                    .header("Idempotency-Key", p.key()).POST(HttpRequest.BodyPublishers.ofString(p.body())).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            requests.incrementAndGet();
                            if (r.statusCode() != 201) {
                                throw new AssertionError("entry " + p.n() + ": " + r.statusCode() + " " + r.body());
                            }
                            String id = JSON.readTree(r.body()).get("id").asText();
                            String before = ids.putIfAbsent(p.n(), id);
                            if (before != null && !before.equals(id)) {
                                mismatched.add(p.key());
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> w : writers) {
                w.get();
            }
            writing.set(false);
            reader.get();
        } finally {
            writing.set(false);
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        LOG.infof("%d entries, %d requests from %d writers in %.1f s (%.0f requests/s); %d summaries read meanwhile",
                ENTRIES, requests.get(), WRITERS, seconds, requests.get() / seconds, summariesRead.get());

        assertTrue(mismatched.isEmpty(), "a retry answered another entry: " + mismatched);
        assertTrue(inconsistent.isEmpty(), "a summary did not add up while writing: " + inconsistent);
        assertEquals(ENTRIES, ids.size());
        assertEquals(ENTRIES, Set.copyOf(ids.values()).size());
        assertEquals(ENTRIES, LedgerFixtures.count("select count(*) from ledger.cost_entries where company_id = ?", f.company));

        long total = plan.stream().mapToLong(Planned::cost).sum();
        for (String by : List.of("agent", "team", "task", "project", "provider", "model", "day")) {
            JsonNode s = summary(http, f, by);
            long cost = 0;
            long entries = 0;
            for (JsonNode g : s.get("groups")) {
                cost += g.get("costMicros").asLong();
                entries += g.get("entries").asLong();
            }
            assertEquals(total, s.get("totalMicros").asLong(), "total by " + by);
            assertEquals(total, cost, "groups by " + by + " add up to the total");
            assertEquals(ENTRIES, entries, "every entry in one group by " + by);
        }
        assertGroups(http, f, "agent", plan, p -> p.agent().toString());
        assertGroups(http, f, "team", plan, p -> p.team().toString());
        assertGroups(http, f, "day", plan, Planned::day);

        // the budgets' roll-ups equal the sums of the entries they cover (all in this month)
        for (int t = 0; t < TEAMS; t++) {
            UUID team = teams[t];
            long teamSpend = plan.stream().filter(p -> p.team().equals(team)).mapToLong(Planned::cost).sum();
            assertEquals(teamSpend, ((Number) f.budget("team", team).get("spentMicros")).longValue(), "team " + t + " budget");
        }
        long agentSpend = plan.stream().filter(p -> p.agent().equals(agents[0])).mapToLong(Planned::cost).sum();
        Map<String, Object> agentView = f.budget("agent", agents[0]);
        assertEquals(agentSpend, ((Number) agentView.get("spentMicros")).longValue());
        assertEquals("exceeded", agentView.get("state"));
        TestKafka.instance().awaitRecords(Topics.LEDGER, LedgerFixtures.event("budget.exceeded", agentBudget), 1,
                Duration.ofSeconds(60));
        assertEquals(1, LedgerFixtures.recordsWithin(Topics.LEDGER, LedgerFixtures.event("budget.exceeded", agentBudget),
                Duration.ofSeconds(2)).size());
        assertEquals(1, LedgerFixtures.count("select count(*) from ledger.budget_incidents where budget_id = ?",
                UUID.fromString(agentBudget)));
        for (String id : teamBudgets) {
            assertEquals(0, LedgerFixtures.count("select count(*) from ledger.budget_incidents where budget_id = ?", UUID.fromString(id)));
        }
    }

    private static void assertGroups(HttpClient http, LedgerFixtures f, String by, List<Planned> plan,
                                     java.util.function.Function<Planned, String> key) throws Exception {
        Map<String, Long> expected = new HashMap<>();
        plan.forEach(p -> expected.merge(key.apply(p), p.cost(), Long::sum));
        Map<String, Long> actual = new HashMap<>();
        summary(http, f, by).get("groups").forEach(g -> actual.put(g.get("key").asText(), g.get("costMicros").asLong()));
        assertEquals(expected, actual, "groups by " + by);
    }

    private static JsonNode summary(HttpClient http, LedgerFixtures f, String by) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port
                        + f.base() + "/costs/summary?groupBy=" + by)).header("Authorization", "Bearer " + f.owner).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    /** The price-table cost, computed here independently: exact, then half up. */
    private static long expected(long in, long out, long cached, long inPrice, long outPrice, long cachedPrice) {
        return BigDecimal.valueOf(in * inPrice + out * outPrice + cached * cachedPrice)
                .divide(BigDecimal.valueOf(1_000_000), 0, RoundingMode.HALF_UP).longValueExact();
    }
}
