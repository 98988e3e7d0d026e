package io.companyagents.platform.sql;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgPool;
import io.vertx.sqlclient.Pool;
import jakarta.inject.Singleton;

/**
 * Creates each service's reactive pool as Quarkus would, except that statements of any length up
 * to {@link #SQL_LIMIT} characters are kept prepared on their connection.
 * <p>
 * With {@code cache-prepared-statements} on, the Vert.x client still prepares a statement
 * longer than 2,048 characters afresh for every execution (unnamed, then discarded): Postgres
 * parses, analyses and plans it each time. The hot path's longest statements — the batched claim
 * and the holder's finish, events included — are well over that; measured under the task
 * benchmark, parsing and planning the finish took longer than executing it. Kept prepared, each
 * connection parses them once and, with {@code plan_cache_mode=force_generic_plan}, plans them
 * once. The client's cache stays bounded by entries (256 per connection, LRU).
 */
@Singleton
public class LongStatementsPrepared implements PgPoolCreator {

    /** Longest statement kept prepared; our generated statements are a few thousand characters. */
    public static final int SQL_LIMIT = 64 * 1024;

    @Override
    @SuppressWarnings("deprecation") // PgPool is what the Quarkus recorder expects back in this version
    public Pool create(Input input) {
        for (PgConnectOptions options : input.pgConnectOptionsList()) {
            options.setPreparedStatementCacheSqlLimit(SQL_LIMIT);
        }
        return PgPool.pool(input.vertx(), input.pgConnectOptionsList(), input.poolOptions());
    }
}
