package io.companyagents.platform.inbox;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * The idempotent-consumer inbox: a consumer records each event id it applies in the same
 * transaction as the effect, so a redelivered event is recognised and skipped.
 */
@ApplicationScoped
public class Inbox {

    /** True the first time this consumer sees the event; false for every redelivery. */
    public Uni<Boolean> firstDelivery(SqlClient tx, String consumer, UUID eventId) {
        return tx.preparedQuery("insert into inbox (consumer, event_id) values ($1, $2) on conflict do nothing")
                .execute(Tuple.of(consumer, eventId))
                .map(result -> result.rowCount() == 1);
    }
}
