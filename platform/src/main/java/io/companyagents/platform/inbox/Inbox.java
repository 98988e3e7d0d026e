package io.companyagents.platform.inbox;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
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

    /** Of a batch of event ids, those this consumer sees for the first time: one statement for the whole batch. */
    public Uni<Set<UUID>> firstDeliveries(SqlClient tx, String consumer, List<UUID> eventIds) {
        if (eventIds.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return tx.preparedQuery("insert into inbox (consumer, event_id) select $1, unnest($2::uuid[]) on conflict do nothing"
                        + " returning event_id")
                .execute(Tuple.of(consumer, eventIds.toArray(UUID[]::new)))
                .map(rows -> {
                    Set<UUID> fresh = new HashSet<>();
                    rows.forEach(row -> fresh.add(row.getUUID(0)));
                    return fresh;
                });
    }
}
