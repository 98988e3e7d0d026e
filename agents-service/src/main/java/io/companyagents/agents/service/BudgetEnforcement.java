package io.companyagents.agents.service;

import io.companyagents.agents.domain.AgentLifecycle;
import io.companyagents.agents.messaging.BudgetSignal;
import io.companyagents.platform.events.DomainEvent;
import io.companyagents.platform.events.EventPayloads.AgentChanged;
import io.companyagents.platform.events.EventType;
import io.companyagents.platform.inbox.Inbox;
import io.companyagents.platform.outbox.Outbox;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Applies budget hard stops to the org, exactly once per event: the inbox entry, the status
 * changes, the budget holds and one {@code agent.status_changed} per agent commit together.
 * <p>
 * A hard stop pauses the active and idle agents in its scope ({@code pauseReason: budget}) and
 * holds them, together with agents another budget already paused. A recovery drops its holds
 * and resumes the budget-paused agents no other budget still holds; agents paused for any
 * other reason are never touched.
 */
@ApplicationScoped
public class BudgetEnforcement {

    static final String CONSUMER = "agents-budget";
    static final String ACTOR_TYPE = "system";
    static final String ACTOR_ID = "budget-enforcement";

    /** Which agents a scope covers ($1 company id, $2 scope id). */
    private static final Map<String, String> SCOPE = Map.of(
            "company", "a.company_id = $1 and a.company_id = $2",
            "team", "a.company_id = $1 and a.team_id = $2",
            "agent", "a.company_id = $1 and a.id = $2");

    private static final String RETURNING =
            " returning a.id, a.company_id, a.name, a.team_id, a.role, a.title, a.reports_to, a.status, a.pause_reason, a.version";

    @Inject
    Pool pool;

    @Inject
    Inbox inbox;

    @Inject
    Outbox outbox;

    /** The ids of the agents whose status changed (none for a redelivery). */
    public Uni<List<UUID>> apply(BudgetSignal signal) {
        return pool.withTransaction(tx -> inbox.firstDelivery(tx, CONSUMER, signal.eventId()).chain(first -> {
            if (!first || !signal.scopesAgents()) {
                return Uni.createFrom().item(List.<UUID>of());
            }
            if (signal.exceeded()) {
                return signal.hardStop() ? stop(tx, signal) : Uni.createFrom().item(List.<UUID>of());
            }
            return release(tx, signal);
        }));
    }

    private Uni<List<UUID>> stop(SqlConnection tx, BudgetSignal s) {
        String sql = "with scope as (select a.id, a.status from agents a where " + SCOPE.get(s.scopeType())
                + " and (a.status in ('active', 'idle') or (a.status = 'paused' and a.pause_reason = $4)) for update),"
                + " held as (insert into budget_holds (agent_id, scope_type, scope_id)"
                + " select id, $3, $2 from scope on conflict do nothing)"
                + " update agents a set status = 'paused', pause_reason = $4, version = a.version + 1, updated_at = now()"
                + " from scope s where a.id = s.id and s.status in ('active', 'idle')" + RETURNING;
        return tx.preparedQuery(sql)
                .execute(Tuple.of(s.companyId(), s.scopeId(), s.scopeType(), AgentLifecycle.BUDGET_PAUSE))
                .chain(rows -> announce(tx, rows));
    }

    private Uni<List<UUID>> release(SqlConnection tx, BudgetSignal s) {
        String dropHolds = "delete from budget_holds h using agents a where h.agent_id = a.id and a.company_id = $1"
                + " and h.scope_id = $2 and h.scope_type = $3 returning h.agent_id";
        // agents this budget held, and budget-paused agents in its scope no budget holds any more
        String resume = "update agents a set status = 'active', pause_reason = null, version = a.version + 1,"
                + " updated_at = now() where (a.id = any($4) or (" + SCOPE.get(s.scopeType()) + "))"
                + " and a.company_id = $1 and a.status = 'paused' and a.pause_reason = $3"
                + " and not exists (select 1 from budget_holds h where h.agent_id = a.id)" + RETURNING;
        return tx.preparedQuery(dropHolds).execute(Tuple.of(s.companyId(), s.scopeId(), s.scopeType()))
                .chain(held -> {
                    List<UUID> released = new ArrayList<>();
                    held.forEach(r -> released.add(r.getUUID("agent_id")));
                    return tx.preparedQuery(resume).execute(Tuple.of(s.companyId(), s.scopeId(),
                            AgentLifecycle.BUDGET_PAUSE, released.toArray(new UUID[0])));
                })
                .chain(rows -> announce(tx, rows));
    }

    /** One {@code agent.status_changed} with the full agent for every agent changed. */
    private Uni<List<UUID>> announce(SqlConnection tx, RowSet<Row> rows) {
        List<UUID> changed = new ArrayList<>();
        Uni<Void> events = Uni.createFrom().voidItem();
        for (Row r : rows) {
            AgentChanged agent = new AgentChanged(r.getUUID("id"), r.getString("name"), r.getUUID("team_id"),
                    r.getString("role"), r.getString("title"), r.getUUID("reports_to"), r.getString("status"),
                    r.getString("pause_reason"), r.getLong("version"));
            DomainEvent event = new DomainEvent(EventType.AGENT_STATUS_CHANGED, r.getUUID("company_id"), ACTOR_TYPE,
                    ACTOR_ID, "agent", agent.id().toString(), agent);
            changed.add(agent.id());
            events = events.chain(() -> outbox.append(tx, event)).replaceWithVoid();
        }
        return events.replaceWith(changed);
    }
}
