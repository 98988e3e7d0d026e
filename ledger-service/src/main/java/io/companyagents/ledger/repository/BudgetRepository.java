package io.companyagents.ledger.repository;

import io.companyagents.ledger.domain.Budget;
import io.companyagents.ledger.domain.BudgetState;
import io.companyagents.ledger.domain.BudgetWindow;
import io.companyagents.ledger.domain.ScopeType;
import io.companyagents.platform.paging.Page;
import io.companyagents.platform.paging.PageRequest;
import io.companyagents.platform.paging.Where;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Budgets and their row locks, which serialise everything that changes one budget's spend or state. */
@ApplicationScoped
public class BudgetRepository {

    private static final String COLUMNS = "id, company_id, scope_type, scope_id, limit_micros, window_kind, warn_percent,"
            + " hard_stop, window_start, spent_micros, state, warned, version, created_at, updated_at";
    /** The budgets entries in company $1 by any of the agents $2, teams $3 or projects $4 (arrays) count towards. */
    private static final String COVERING = "company_id = $1 and ((scope_type = 'company' and scope_id = $1)"
            + " or (scope_type = 'agent' and scope_id = any($2)) or (scope_type = 'team' and scope_id = any($3))"
            + " or (scope_type = 'project' and scope_id = any($4)))";

    /**
     * Budget creation and entries are serialised per company by an advisory lock, exclusive for
     * the creator and shared among entries: a budget then either sees an entry in its first sum
     * or is visible to that entry's transaction, never neither.
     */
    public Uni<Void> lockCompanyForEntry(SqlClient tx, UUID companyId) {
        return tx.preparedQuery("select pg_advisory_xact_lock_shared(hashtext('ledger.budgets'), hashtext($1::text))")
                .execute(Tuple.of(companyId.toString())).replaceWithVoid();
    }

    public Uni<Void> lockCompanyForBudgetChange(SqlClient tx, UUID companyId) {
        return tx.preparedQuery("select pg_advisory_xact_lock(hashtext('ledger.budgets'), hashtext($1::text))")
                .execute(Tuple.of(companyId.toString())).replaceWithVoid();
    }

    /**
     * Locks, in id order, the budgets that entries of company {@code companyId} by any of these
     * agents, teams and projects count towards (the company's own budget included).
     */
    public Uni<List<Budget>> lockCoveringAny(SqlClient tx, UUID companyId, Collection<UUID> agentIds,
                                             Collection<UUID> teamIds, Collection<UUID> projectIds) {
        return tx.preparedQuery("select " + COLUMNS + " from budgets where " + COVERING + " order by id for update")
                .execute(coveringParams(companyId, agentIds, teamIds, projectIds))
                .map(BudgetRepository::all);
    }

    /** The budgets covering an agent, team or project (each may be null), without locking (for the claim-time check). */
    public Uni<List<Budget>> covering(SqlClient client, UUID companyId, UUID agentId, UUID teamId, UUID projectId) {
        return client.preparedQuery("select " + COLUMNS + " from budgets where " + COVERING + " order by id")
                .execute(coveringParams(companyId, nonNull(agentId), nonNull(teamId), nonNull(projectId)))
                .map(BudgetRepository::all);
    }

    private static Tuple coveringParams(UUID companyId, Collection<UUID> agentIds, Collection<UUID> teamIds,
                                        Collection<UUID> projectIds) {
        return Tuple.tuple().addUUID(companyId).addArrayOfUUID(agentIds.toArray(UUID[]::new))
                .addArrayOfUUID(teamIds.toArray(UUID[]::new)).addArrayOfUUID(projectIds.toArray(UUID[]::new));
    }

    private static List<UUID> nonNull(UUID id) {
        return id == null ? List.of() : List.of(id);
    }

    public Uni<Optional<Budget>> find(SqlClient client, UUID companyId, ScopeType scope, UUID scopeId, boolean lock) {
        return client.preparedQuery("select " + COLUMNS + " from budgets where company_id = $1 and scope_type = $2"
                        + " and scope_id = $3" + (lock ? " for update" : ""))
                .execute(Tuple.of(companyId, scope.name(), scopeId))
                .map(rows -> all(rows).stream().findFirst());
    }

    public Uni<Page<Budget>> list(SqlClient client, UUID companyId, PageRequest page) {
        Where where = new Where("company_id = ", companyId).and("id > ", page.afterId());
        String limit = where.param(page.fetchSize());
        return client.preparedQuery("select " + COLUMNS + " from budgets where " + where.sql() + " order by id limit " + limit)
                .execute(where.tuple())
                .map(rows -> page.page(all(rows), b -> b.id().toString()));
    }

    /** Monthly budgets whose window started before {@code monthStart}, locked; ones being changed now are skipped. */
    public Uni<List<Budget>> lockPassedWindows(SqlClient tx, OffsetDateTime monthStart, int limit) {
        return tx.preparedQuery("select " + COLUMNS + " from budgets where window_kind = 'month' and window_start < $1"
                        + " order by window_start, id limit $2 for update skip locked")
                .execute(Tuple.of(monthStart, limit))
                .map(BudgetRepository::all);
    }

    public Uni<Budget> insert(SqlClient tx, Budget b) {
        return tx.preparedQuery("insert into budgets (id, company_id, scope_type, scope_id, limit_micros, window_kind, warn_percent,"
                        + " hard_stop, window_start, spent_micros, state, warned) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
                        + " returning " + COLUMNS)
                .execute(Tuple.tuple().addUUID(b.id()).addUUID(b.companyId()).addString(b.scopeType().name())
                        .addUUID(b.scopeId()).addLong(b.limitMicros()).addString(b.window().name())
                        .addInteger(b.warnPercent()).addBoolean(b.hardStop()).addOffsetDateTime(b.windowStart())
                        .addLong(b.spentMicros()).addString(b.state().name()).addBoolean(b.warned()))
                .map(rows -> map(rows.iterator().next()));
    }

    /** Writes the budget's configuration, window and state; {@code version} counts configuration changes only. */
    public Uni<Budget> update(SqlClient tx, Budget b, boolean configChanged) {
        return tx.preparedQuery("update budgets set limit_micros = $2, window_kind = $3, warn_percent = $4, hard_stop = $5,"
                        + " window_start = $6, spent_micros = $7, state = $8, warned = $9,"
                        + " version = version + case when $10 then 1 else 0 end, updated_at = now() where id = $1 returning " + COLUMNS)
                .execute(Tuple.tuple().addUUID(b.id()).addLong(b.limitMicros()).addString(b.window().name())
                        .addInteger(b.warnPercent()).addBoolean(b.hardStop()).addOffsetDateTime(b.windowStart())
                        .addLong(b.spentMicros()).addString(b.state().name()).addBoolean(b.warned()).addBoolean(configChanged))
                .map(rows -> map(rows.iterator().next()));
    }

    public Uni<Void> delete(SqlClient tx, UUID id) {
        return tx.preparedQuery("delete from budgets where id = $1").execute(Tuple.of(id)).replaceWithVoid();
    }

    private static List<Budget> all(RowSet<Row> rows) {
        List<Budget> out = new ArrayList<>(rows.size());
        rows.forEach(r -> out.add(map(r)));
        return out;
    }

    static Budget map(Row r) {
        return new Budget(r.getUUID("id"), r.getUUID("company_id"), ScopeType.valueOf(r.getString("scope_type")),
                r.getUUID("scope_id"), r.getLong("limit_micros"), BudgetWindow.valueOf(r.getString("window_kind")),
                r.getInteger("warn_percent"), r.getBoolean("hard_stop"), r.getOffsetDateTime("window_start"),
                r.getLong("spent_micros"), BudgetState.valueOf(r.getString("state")), r.getBoolean("warned"),
                r.getLong("version"), r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"));
    }
}
