package io.companyagents.tasks;

import io.companyagents.platform.sql.LongStatementsPrepared;
import io.companyagents.platform.testing.RuntimeTestResource;
import io.companyagents.tasks.service.ClaimService;
import io.companyagents.tasks.service.HolderFinishes;
import io.companyagents.tasks.service.HolderStarts;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.sqlclient.SqlConnectOptions;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hot statements are prepared once per connection, however long they are. The Vert.x client
 * keeps only statements under 2,048 characters prepared by default; longer ones — the batched
 * claim and the holder's finish among them — were parsed and planned by Postgres on every call.
 */
@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class PreparedStatementCacheTest {

    @Inject
    Pool db;

    @Test
    void aStatementLongerThanTheClientsDefaultLimitStaysPreparedOnItsConnection() {
        String filler = "x".repeat(SqlConnectOptions.DEFAULT_PREPARED_STATEMENT_CACHE_SQL_LIMIT * 2);
        String sql = "select $1::int + 1 as n /* " + filler + " */";

        List<Object> seen = db.withConnection(conn -> conn.preparedQuery(sql).execute(Tuple.of(41))
                        .chain(first -> conn.preparedQuery(sql).execute(Tuple.of(1))
                                .chain(second -> conn.preparedQuery("select count(*) as n from pg_prepared_statements where statement = $1")
                                        .execute(Tuple.of(sql))
                                        .map(prepared -> {
                                            List<Object> out = new ArrayList<>();
                                            out.add(first.iterator().next().getInteger("n"));
                                            out.add(second.iterator().next().getInteger("n"));
                                            Row row = prepared.iterator().next();
                                            out.add(row.getLong("n"));
                                            return out;
                                        }))))
                .await().indefinitely();

        assertEquals(42, seen.get(0), "the statement answers");
        assertEquals(2, seen.get(1), "and answers again, with the second call's parameter");
        assertEquals(1L, seen.get(2), "one named prepared statement on the connection, reused by both calls");
    }

    @Test
    void theHotStatementsAreWithinTheLimitThatKeepsThemPrepared() {
        for (String sql : List.of(HolderFinishes.sql(), HolderStarts.sql(), ClaimService.claimNextSql(true, true),
                ClaimService.batchCandidatesSql(true, true, 32), ClaimService.heartbeatSql())) {
            assertTrue(sql.length() < LongStatementsPrepared.SQL_LIMIT,
                    "a hot statement of " + sql.length() + " characters would be parsed and planned on every call");
        }
        assertTrue(HolderFinishes.sql().length() > SqlConnectOptions.DEFAULT_PREPARED_STATEMENT_CACHE_SQL_LIMIT,
                "the finish is one of the statements the client's default limit left unprepared");
    }
}
