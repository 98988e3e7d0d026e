package io.companyagents.platform.sql;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;

import java.util.function.Function;

/**
 * A transaction that costs two round trips fewer than {@link Pool#withTransaction}: its
 * {@code BEGIN} is sent together with the body's first statement, and its {@code COMMIT} together
 * with the statement the body names as its last (typically the outbox insert, whose answer
 * nothing waits for). The connection pipelines them: Postgres runs them in order, and each still
 * answers on its own.
 * <p>
 * Failure anywhere — a statement, a check of the body's, the last statement or the commit itself —
 * fails the returned {@code Uni} after a {@code ROLLBACK} has been answered, so the connection goes
 * back to the pool outside any transaction. If the last statement fails, Postgres has already
 * turned the pipelined {@code COMMIT} into a rollback (a failed transaction cannot commit), so
 * nothing of the body is kept.
 */
public final class PipelinedTx {

    private PipelinedTx() {
    }

    /** What a transaction's body answers: its result, and the statement to send with the commit (or null). */
    public record Ending<T>(T value, Uni<?> last) {
        public static <T> Ending<T> of(T value) {
            return new Ending<>(value, null);
        }
    }

    /** Runs {@code body} in one transaction on a connection of {@code pool}. */
    public static <T> Uni<T> run(Pool pool, Function<SqlConnection, Uni<Ending<T>>> body) {
        return pool.withConnection(conn -> Uni.combine().all()
                .unis(conn.query("begin").execute(), Uni.createFrom().deferred(() -> body.apply(conn)))
                .with((begun, ending) -> ending)
                .chain(ending -> {
                    Uni<?> commit = conn.query("commit").execute();
                    if (ending.last() == null) {
                        return commit.replaceWith(ending.value());
                    }
                    return Uni.combine().all().unis(ending.last(), commit).with((last, committed) -> ending.value());
                })
                .onFailure().call(() -> conn.query("rollback").execute().onFailure().recoverWithNull()));
    }
}
