package io.companyagents.tasks;

import io.companyagents.platform.outbox.OutboxRelay;
import io.companyagents.platform.testing.RuntimeTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The outbox is a queue: vacuum often finds it empty, and the services plan each statement once,
 * generically. The relay's batch read and delete must then still read an index, not scan the
 * table (which, under load, holds every row and dead row since the last vacuum). Checked on an
 * empty, vacuumed copy of the outbox in a scratch schema. And the rows it holds are stored as
 * written, however many events a transaction grouped into one.
 */
@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class OutboxPlanTest {

    private static final String SCHEMA = "outbox_plan";

    @Inject
    Pool db;

    @Test
    void theRelaysStatementsReadAnIndexWhenTheOutboxLooksEmpty() {
        db.withConnection(conn -> run(conn, "drop schema if exists " + SCHEMA + " cascade")
                .chain(() -> run(conn, "create schema " + SCHEMA))
                .chain(() -> run(conn, "create table " + SCHEMA + ".outbox (like outbox including all)"))
                .chain(() -> run(conn, "vacuum analyze " + SCHEMA + ".outbox"))).await().indefinitely();
        try {
            String[] types = {"int", "bigint[]"};
            String[] values = {"500", "'{1,2,3}'"};
            for (int i = 0; i < OutboxRelay.statements().size(); i++) {
                String plan = explainGeneric(OutboxRelay.statements().get(i), types[i], values[i]);
                assertFalse(plan.contains("Seq Scan on outbox"), "no scan of the outbox\n" + plan);
                assertTrue(plan.contains("Index Scan") || plan.contains("Index Only Scan") || plan.contains("Bitmap Index Scan"),
                        "the statement reads an index of the outbox\n" + plan);
            }
        } finally {
            db.query("drop schema if exists " + SCHEMA + " cascade").execute().await().indefinitely();
        }
    }

    /**
     * A transaction's events share one outbox row, often several kilobytes of alike CloudEvents:
     * such a row is stored as written, inline, not compressed or moved to the TOAST table (which
     * cost a compression and extra inserts and deletes for a row that lives a fraction of a second).
     * Checked in a transaction that is rolled back, so the relay never sees the row.
     */
    @Test
    void aGroupOfSeveralKilobytesIsStoredAsWritten() {
        String event = "{\"specversion\":\"1.0\",\"type\":\"io.companyagents.task.status_changed\",\"source\":\"/tasks-service\","
                + "\"data\":{\"from\":\"in_progress\",\"to\":\"completed\",\"leaseEpoch\":1}}";
        String payload = String.join("\n", Collections.nCopies(7000 / event.length(), event));
        AtomicReference<Row> stored = new AtomicReference<>();
        Uni<Void> tx = db.withTransaction(conn -> conn.preparedQuery("insert into outbox (event_id, topic, company_id, event_type, payload)"
                        + " values (gen_random_uuid(), 'ca.tasks.v1', gen_random_uuid(), 'io.companyagents.task.status_changed', $1)"
                        + " returning id")
                .execute(Tuple.of(payload))
                // read back from the table: an insert's returning shows the row before it was toasted
                .chain(rows -> conn.preparedQuery("select octet_length(payload) as written, pg_column_size(payload) as stored"
                        + " from outbox where id = $1").execute(Tuple.of(rows.iterator().next().getLong("id"))))
                .invoke(rows -> stored.set(rows.iterator().next()))
                .chain(() -> Uni.createFrom().failure(new IllegalStateException("roll back"))));
        assertThrows(IllegalStateException.class, () -> tx.await().indefinitely());

        int written = stored.get().getInteger("written");
        assertTrue(written > 6000, "the group is several kilobytes: " + written);
        // inline and uncompressed: the bytes written plus a 4-byte header (compressed would be far
        // smaller, a TOAST pointer 18 bytes)
        assertEquals(written + 4, stored.get().getInteger("stored"));
    }

    /** The generic plan of {@code sql} made in a transaction of the relay's, with its settings. */
    private String explainGeneric(String sql, String types, String values) {
        return db.withTransaction(tx -> run(tx, OutboxRelay.planSettings())
                .chain(() -> run(tx, "set local search_path = " + SCHEMA))
                .chain(() -> run(tx, "set local plan_cache_mode = force_generic_plan"))
                .chain(() -> run(tx, "prepare outbox_plan (" + types + ") as " + sql))
                .chain(() -> tx.query("explain execute outbox_plan(" + values + ")").execute())
                .map(rows -> {
                    StringBuilder plan = new StringBuilder();
                    for (Row r : rows) {
                        plan.append(r.getString(0)).append('\n');
                    }
                    return plan.toString();
                })
                .call(() -> run(tx, "deallocate outbox_plan"))).await().indefinitely();
    }

    private static Uni<Void> run(SqlClient conn, String sql) {
        return conn.query(sql).execute().replaceWithVoid();
    }
}
