package io.companyagents.tasks;

import io.companyagents.platform.testing.RuntimeTestResource;
import io.companyagents.tasks.service.ClaimService;
import io.companyagents.tasks.service.HolderFinishes;
import io.companyagents.tasks.service.HolderStarts;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The services plan each statement once, generically ({@code plan_cache_mode=force_generic_plan}).
 * A claim must then still read the head of the ready index, not sort a company's whole ready set —
 * also when the statistics say one company owns every ready task (a fresh instance's first big
 * company): the case that once made every claim take 20–100 ms. Checked on copies of the claim's
 * tables in a scratch schema, so the statistics are this test's own.
 */
@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class ClaimPlanTest {

    @Inject
    Pool db;

    @Test
    void theUnfilteredClaimReadsTheHeadOfTheReadyIndexOnAPlainQueue() {
        // one big plain queue (no teams, no labels, nothing assigned), as most companies start
        UUID company = UUID.randomUUID();
        withScratchTasks("claim_plan_plain", "select gen_random_uuid(), '" + company + "', g, 'P-' || g, 't', 'pending', 'none',"
                + " g % 4, null::uuid, '{}'::text[] from generate_series(1, 20000) g", schema -> {
            assertReadsReadyIndexHead(schema, false, false, company, UUID.randomUUID());
        });
    }

    @Test
    void teamAndLabelClaimsReadTheHeadOfTheReadyIndex() {
        // a company that files its work under a team and labels
        UUID company = UUID.randomUUID();
        UUID team = UUID.randomUUID();
        withScratchTasks("claim_plan_filters", "select gen_random_uuid(), '" + company + "', g, 'T-' || g, 't', 'pending', 'none',"
                + " g % 4, case when g % 2 = 0 then '" + team + "'::uuid end,"
                + " case when g % 3 = 0 then array['db'] else array['ops'] end from generate_series(1, 20000) g", schema -> {
            assertReadsReadyIndexHead(schema, true, false, company, team);
            assertReadsReadyIndexHead(schema, false, true, company, team);
            assertReadsReadyIndexHead(schema, true, true, company, team);
        });
    }

    @Test
    void aHoldersStartAndHeartbeatFindTheTaskByKeyNotByLeaseExpiry() {
        // statistics taken while no task held a lease (a fresh queue, or one between bursts) make the lease-expiry
        // index look empty to the planner; under load it holds the live leases and every entry claims and
        // finishes left behind since the last vacuum
        UUID company = UUID.randomUUID();
        withScratchTasks("holder_plan", "select gen_random_uuid(), '" + company + "', g, 'H-' || g, 't', 'pending', 'none',"
                + " g % 4, null::uuid, '{}'::text[] from generate_series(1, 20000) g", schema -> {
            db.query("update " + schema + ".tasks set status = 'claimed', lease_id = gen_random_uuid(), lease_agent_id = gen_random_uuid(),"
                    + " lease_epoch = 1, lease_kind = 'work', lease_seconds = 60, lease_expires_at = now() + interval '60 seconds'"
                    + " where number <= 32").execute().await().indefinitely();
            // every task has had a run: the 32 held ones are running, the rest finished
            db.query("insert into " + schema + ".runs (id, company_id, task_id, agent_id, lease_id, lease_epoch, status)"
                    + " select gen_random_uuid(), company_id, id, gen_random_uuid(), gen_random_uuid(), 1,"
                    + " case when number <= 32 then 'running' else 'succeeded' end from " + schema + ".tasks").execute().await().indefinitely();
            db.query("analyze " + schema + ".runs").execute().await().indefinitely();
            String start = explainGeneric(schema, HolderStarts.sql(),
                    "uuid, uuid[], uuid[], bigint[], int[], text[], text[], uuid[], text[], text, text",
                    "'" + company + "', '{" + UUID.randomUUID() + "}', '{" + UUID.randomUUID() + "}', '{1}', '{NULL}', '{NULL}',"
                            + " '{NULL}', '{" + UUID.randomUUID() + "}', '{x}', 'topic', 'type'");
            assertTrue(!start.contains("Seq Scan on tasks") && !start.contains("lease_expires_at_idx")
                    && indexCondition(start).contains("(id = r.id)"), "the start finds each task by the id its request names\n" + start);
            String uuids = "'{" + UUID.randomUUID() + "}'";
            String finish = explainGeneric(schema, HolderFinishes.sql(), "uuid, uuid[], uuid[], bigint[], text[], text[], text[], int[],"
                            + " text[], text[], text[], text[], text[], text[], uuid[], text[], uuid[], text[], uuid[],"
                            + " text, text, text, text, text, text, text, text, text, text, text, text[], uuid[], uuid[], uuid[], uuid[], text",
                    "'" + company + "', " + uuids + ", " + uuids + ", '{1}', '{s}', '{[]}', '{[]}', '{NULL}', '{NULL}', '{NULL}', '{NULL}',"
                            + " '{NULL}', '{NULL}', '{NULL}', " + uuids + ", '{x}', " + uuids + ", '{x}', " + uuids + ","
                            + " 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', '{x}', " + uuids + ", " + uuids + ", " + uuids + ", "
                            + uuids + ", 'l'");
            assertTrue(!finish.contains("Seq Scan on tasks") && !finish.contains("Seq Scan on runs")
                    && !finish.contains("lease_expires_at_idx") && indexCondition(finish).contains("(id = q.q_run)")
                    && indexCondition(finish).contains("(id = r.task_id)"),
                    "the finish finds each run by the id its request names, and the run's task by its key\n" + finish);
            String heartbeat = explainGeneric(schema, ClaimService.heartbeatSql(), "uuid, uuid, bigint, uuid",
                    "'" + company + "', '" + UUID.randomUUID() + "', 1, null");
            assertTrue(indexCondition(heartbeat).contains("(lease_id = $2)"), "the heartbeat finds its task by its lease\n" + heartbeat);
        });
    }

    /** The plan's index condition(s), empty if it reads no index. */
    private static String indexCondition(String plan) {
        return plan.lines().filter(l -> l.trim().startsWith("Index Cond:")).collect(java.util.stream.Collectors.joining("\n"));
    }

    /** Copies the claim's tables into a scratch schema holding only the given tasks, analysed, for the check. */
    private void withScratchTasks(String schema, String tasksSelect, java.util.function.Consumer<String> check) {
        db.withConnection(conn -> run(conn, "drop schema if exists " + schema + " cascade")
                .chain(() -> run(conn, "create schema " + schema))
                .chain(() -> copy(conn, schema, "tasks")).chain(() -> copy(conn, schema, "agents"))
                .chain(() -> copy(conn, schema, "budget_stops")).chain(() -> copy(conn, schema, "leases"))
                .chain(() -> copy(conn, schema, "runs")).chain(() -> copy(conn, schema, "outbox"))
                .chain(() -> copy(conn, schema, "task_dependencies"))
                .chain(() -> run(conn, "insert into " + schema + ".tasks (id, company_id, number, identifier, title, status,"
                        + " review_policy, priority, team_id, labels) " + tasksSelect))
                .chain(() -> run(conn, "analyze " + schema + ".tasks"))).await().indefinitely();
        try {
            check.accept(schema);
        } finally {
            db.query("drop schema if exists " + schema + " cascade").execute().await().indefinitely();
        }
    }

    private void assertReadsReadyIndexHead(String schema, boolean byTeam, boolean byLabels, UUID company, UUID team) {
        String variant = "team=" + byTeam + " labels=" + byLabels;
        assertReadsReadyIndexHead(variant, explainGeneric(schema, ClaimService.claimNextSql(byTeam, byLabels),
                "uuid, uuid, text[], uuid, uuid, int, uuid, boolean, uuid, text, uuid, text, uuid, text, uuid, text, text, text, text",
                "'" + company + "', '" + team + "', '{db}', '" + UUID.randomUUID() + "', '" + UUID.randomUUID() + "', 60, '"
                        + UUID.randomUUID() + "', false, '" + UUID.randomUUID() + "', 'x', '" + UUID.randomUUID() + "', 'x', '"
                        + UUID.randomUUID() + "', 'x', '" + UUID.randomUUID() + "', 'topic', 'a', 'b', 'c'"));
        // a batch of queued claims reads the same head, whatever its size; only the few rows it locked are put in order
        for (int limit : new int[] {2, 32}) {
            String plan = explainGeneric(schema, ClaimService.batchCandidatesSql(byTeam, byLabels, limit), "uuid, uuid, text[], uuid[]",
                    "'" + company + "', '" + team + "', '{db}', '{" + UUID.randomUUID() + "," + UUID.randomUUID() + "}'");
            assertTrue(plan.startsWith("Sort ") && plan.indexOf("Sort Key") == plan.lastIndexOf("Sort Key"),
                    variant + " batch of " + limit + ": the locked rows alone are sorted\n" + plan);
            assertReadsReadyIndexHead(variant + " batch of " + limit, plan.substring(plan.indexOf("Sort Key") + "Sort Key".length()));
        }
    }

    private static void assertReadsReadyIndexHead(String variant, String plan) {
        assertTrue(plan.contains("Index Scan using tasks_company_id_priority_id_idx"), variant + ": the claim reads the ready index\n" + plan);
        // the claim's own events (three rows, put in order for their insert) are the one thing a claim may sort
        String claiming = withoutCte(plan, "o");
        assertFalse(claiming.contains("Sort"), variant + ": nothing is sorted\n" + plan);
        assertFalse(plan.contains("Seq Scan on tasks"), variant + ": no scan of tasks\n" + plan);
    }

    /** The plan without the named CTE's subtree (its header line and the lines indented below it). */
    static String withoutCte(String plan, String name) {
        StringBuilder kept = new StringBuilder();
        int skipBelow = -1;
        for (String line : plan.lines().toList()) {
            int indent = line.length() - line.stripLeading().length();
            if (skipBelow >= 0 && indent > skipBelow) {
                continue;
            }
            skipBelow = line.strip().equals("CTE " + name) ? indent : -1;
            if (skipBelow < 0) {
                kept.append(line).append('\n');
            }
        }
        return kept.toString();
    }

    private String explainGeneric(String schema, String claimSql, String types, String values) {
        // the scratch tables first; functions (and nothing else) from the service's own schema
        return db.withConnection(conn -> run(conn, "select set_config('search_path', '" + schema + ", ' || current_schema(), false)")
                .chain(() -> run(conn, "set plan_cache_mode = force_generic_plan"))
                .chain(() -> run(conn, "prepare claim_plan (" + types + ") as " + claimSql))
                .chain(() -> conn.query("explain execute claim_plan(" + values + ")").execute())
                .map(rows -> {
                    StringBuilder plan = new StringBuilder();
                    for (Row r : rows) {
                        plan.append(r.getString(0)).append('\n');
                    }
                    return plan.toString();
                })
                // the pooled connection goes back as it came, whatever happened
                // (not "deallocate all": the pool's own prepared statements live on this connection too)
                .eventually(() -> run(conn, "deallocate claim_plan").onFailure().recoverWithNull()
                        .chain(() -> run(conn, "reset plan_cache_mode"))
                        .chain(() -> run(conn, "reset search_path")))).await().indefinitely();
    }

    private static Uni<Void> copy(SqlConnection conn, String schema, String table) {
        return run(conn, "create table " + schema + "." + table + " (like " + table + " including all)");
    }

    private static Uni<Void> run(SqlConnection conn, String sql) {
        return conn.query(sql).execute().replaceWithVoid();
    }
}
