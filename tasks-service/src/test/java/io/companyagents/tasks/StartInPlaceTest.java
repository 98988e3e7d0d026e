package io.companyagents.tasks;

import io.companyagents.platform.testing.RuntimeTestResource;
import io.companyagents.tasks.service.HolderStarts;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A holder's start (claimed → in_progress) changes no indexed column, so Postgres updates the
 * task in place, as a heap-only tuple, writing no index entry: the hot path's cheapest update.
 * Counted by Postgres itself for the starting transaction.
 */
@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class StartInPlaceTest {

    @Inject
    Pool db;

    @Test
    void aHoldersStartUpdatesTheTaskWithoutTouchingAnIndex() {
        TaskFixtures f = new TaskFixtures();
        UUID agent = UUID.randomUUID();
        String task = f.createTask("in place", "none");
        long epoch = f.claim(agent, task, 600).then().statusCode(200).extract().<Integer>path("lease.leaseEpoch");

        // the counts include this connection's earlier transactions not yet reported: the start's are the difference;
        // rolled back afterwards, so the scratch event never reaches the outbox's relay
        String counts = "select pg_stat_get_xact_tuples_updated('tasks.tasks'::regclass) as updated,"
                + " pg_stat_get_xact_tuples_hot_updated('tasks.tasks'::regclass) as hot";
        Object[] started = db.withConnection(conn -> conn.query("begin").execute()
                .chain(() -> conn.query(counts).execute()).map(rows -> rows.iterator().next())
                .chain(before -> conn.preparedQuery(HolderStarts.sql())
                        .execute(Tuple.tuple().addUUID(f.company).addArrayOfUUID(new UUID[] {UUID.fromString(task)})
                                .addArrayOfUUID(new UUID[] {agent}).addArrayOfLong(new Long[] {epoch})
                                .addArrayOfInteger(new Integer[] {null}).addArrayOfString(new String[] {null})
                                .addArrayOfString(new String[] {null}).addArrayOfUUID(new UUID[] {UUID.randomUUID()})
                                .addArrayOfString(new String[] {"{}"}).addString("scratch").addString("scratch"))
                        .chain(start -> conn.query(counts).execute()
                                .map(rows -> {
                                    Row after = rows.iterator().next();
                                    return new Object[] {after.getLong("updated") - before.getLong("updated"),
                                            after.getLong("hot") - before.getLong("hot"),
                                            start.size() == 1 ? start.iterator().next().getString("status") : null};
                                })))
                .call(() -> conn.query("rollback").execute())).await().indefinitely();

        assertEquals(1L, started[0], "the start updated its task");
        assertEquals(1L, started[1], "in place: a heap-only tuple, no index entry written");
        assertEquals("in_progress", started[2]);
    }
}
