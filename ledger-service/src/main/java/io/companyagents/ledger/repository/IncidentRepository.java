package io.companyagents.ledger.repository;

import io.companyagents.ledger.domain.Budget;
import io.companyagents.platform.id.Ids;
import io.companyagents.platform.paging.Page;
import io.companyagents.platform.paging.PageRequest;
import io.companyagents.platform.paging.Where;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Budget incidents: one opened each time a budget reaches its limit, resolved when it recovers. */
@ApplicationScoped
public class IncidentRepository {

    private static final String COLUMNS = "id, budget_id, scope_type, scope_id, window_kind, window_start, limit_micros,"
            + " spent_micros, hard_stop, opened_at, resolved_at, resolution";

    public record Incident(UUID id, UUID budgetId, String scopeType, UUID scopeId, String window,
                           OffsetDateTime windowStart, long limitMicros, long spentMicros, boolean hardStop,
                           OffsetDateTime openedAt, OffsetDateTime resolvedAt, String resolution) {
    }

    public record Filter(Boolean open, UUID budgetId, String scopeType, UUID scopeId) {
    }

    public Uni<Void> open(SqlClient tx, Budget b, OffsetDateTime at) {
        return tx.preparedQuery("insert into budget_incidents (id, company_id, budget_id, scope_type, scope_id, window_kind,"
                        + " window_start, limit_micros, spent_micros, hard_stop, opened_at)"
                        + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
                .execute(Tuple.tuple().addUUID(Ids.newId()).addUUID(b.companyId()).addUUID(b.id())
                        .addString(b.scopeType().name()).addUUID(b.scopeId()).addString(b.window().name())
                        .addOffsetDateTime(b.windowStart()).addLong(b.limitMicros()).addLong(b.spentMicros())
                        .addBoolean(b.hardStop()).addOffsetDateTime(at))
                .replaceWithVoid();
    }

    public Uni<Void> resolve(SqlClient tx, UUID budgetId, String resolution, OffsetDateTime at) {
        return tx.preparedQuery("update budget_incidents set resolved_at = $3, resolution = $2"
                        + " where budget_id = $1 and resolved_at is null")
                .execute(Tuple.of(budgetId, resolution, at))
                .replaceWithVoid();
    }

    public Uni<Page<Incident>> list(SqlClient client, UUID companyId, Filter f, PageRequest page) {
        Where where = new Where("company_id = ", companyId).and("(resolved_at is null) = ", f.open())
                .and("budget_id = ", f.budgetId()).and("scope_type = ", f.scopeType()).and("scope_id = ", f.scopeId())
                .and("id > ", page.afterId());
        String limit = where.param(page.fetchSize());
        return client.preparedQuery("select " + COLUMNS + " from budget_incidents where " + where.sql() + " order by id limit " + limit)
                .execute(where.tuple())
                .map(rows -> {
                    List<Incident> out = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        out.add(new Incident(r.getUUID("id"), r.getUUID("budget_id"), r.getString("scope_type"),
                                r.getUUID("scope_id"), r.getString("window_kind"), r.getOffsetDateTime("window_start"),
                                r.getLong("limit_micros"), r.getLong("spent_micros"), r.getBoolean("hard_stop"),
                                r.getOffsetDateTime("opened_at"), r.getOffsetDateTime("resolved_at"),
                                r.getString("resolution")));
                    }
                    return page.page(out, i -> i.id().toString());
                });
    }
}
