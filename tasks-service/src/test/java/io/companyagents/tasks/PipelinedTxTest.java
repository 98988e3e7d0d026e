package io.companyagents.tasks;

import io.companyagents.platform.sql.PipelinedTx;
import io.companyagents.platform.testing.RuntimeTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The hot paths' transactions send BEGIN with their first statement and COMMIT with their last
 * ({@link PipelinedTx}); they must still be all-or-nothing, and leave no connection of the pool
 * inside a transaction, whichever step fails.
 */
@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class PipelinedTxTest {

    private static final String TABLE = "pipelined_probe.items";

    @Inject
    Pool db;

    @BeforeEach
    void scratchTable() {
        db.query("create schema if not exists pipelined_probe").execute()
                .chain(() -> db.query("drop table if exists " + TABLE).execute())
                .chain(() -> db.query("create table " + TABLE + " (id int primary key)").execute())
                .await().indefinitely();
    }

    private Uni<?> insert(io.vertx.mutiny.sqlclient.SqlConnection tx, int id) {
        return tx.preparedQuery("insert into " + TABLE + " (id) values ($1)").execute(Tuple.of(id));
    }

    private List<Integer> stored() {
        List<Integer> ids = new ArrayList<>();
        for (Row r : db.query("select id from " + TABLE + " order by id").execute().await().indefinitely()) {
            ids.add(r.getInteger(0));
        }
        return ids;
    }

    /** Connections left idle inside a transaction after writing the probe table: a leaked one shows here. */
    private long leftInTransaction() {
        return db.query("select count(*) from pg_stat_activity where datname = current_database()"
                        + " and state like 'idle in transaction%' and query like '%pipelined_probe%'").execute().await().indefinitely()
                .iterator().next().getLong(0);
    }

    @Test
    void theBodyAndTheLastStatementCommitTogether() {
        String answer = PipelinedTx.run(db, tx -> insert(tx, 1).chain(() -> insert(tx, 2))
                .map(r -> new PipelinedTx.Ending<>("done", insert(tx, 3)))).await().indefinitely();
        assertEquals("done", answer);
        assertEquals(List.of(1, 2, 3), stored());
        assertEquals(0, leftInTransaction());
    }

    @Test
    void aFailingLastStatementKeepsNothingOfTheBody() {
        db.query("insert into " + TABLE + " values (9)").execute().await().indefinitely();
        // the last statement breaks the primary key: the COMMIT sent with it must not keep 1 and 2
        assertThrows(RuntimeException.class, () -> PipelinedTx.run(db, tx -> insert(tx, 1).chain(() -> insert(tx, 2))
                .map(r -> new PipelinedTx.Ending<>("done", insert(tx, 9)))).await().indefinitely());
        assertEquals(List.of(9), stored());
        assertEquals(0, leftInTransaction());
    }

    @Test
    void aFailingCheckOfTheBodyRollsBackWhatItWrote() {
        assertThrows(IllegalStateException.class, () -> PipelinedTx.run(db, tx -> insert(tx, 1)
                .map(r -> {
                    throw new IllegalStateException("refused after the write");
                })).await().indefinitely());
        assertThrows(RuntimeException.class, () -> PipelinedTx.run(db, tx -> insert(tx, 2).chain(() -> insert(tx, 2))
                .map(r -> PipelinedTx.Ending.of("never"))).await().indefinitely());
        assertEquals(List.of(), stored());
        assertEquals(0, leftInTransaction());
        // the pool's connections still work, each outside a transaction
        for (int i = 10; i < 30; i++) {
            int id = i;
            PipelinedTx.run(db, tx -> insert(tx, id).map(r -> PipelinedTx.Ending.of(id))).await().indefinitely();
        }
        assertEquals(20, stored().size());
        assertEquals(0, leftInTransaction());
    }
}
