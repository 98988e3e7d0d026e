package io.companyagents.ledger.service;

import io.companyagents.platform.metrics.DatabaseGauges;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * The ledger's figures for operators, read from its tables (so every replica agrees):
 * <ul>
 *   <li>{@code company_agents_budget_incidents_opened_total}: budget incidents ever opened
 *       (a budget reached its limit); its rate is the incident rate;</li>
 *   <li>{@code company_agents_budget_incidents_open}: incidents not yet resolved;</li>
 *   <li>{@code company_agents_budget_hard_stops_active}: open incidents whose budget stops spending.</li>
 * </ul>
 * Cost flow shows as {@code company_agents_outbox_published_total{type="io.companyagents.cost.recorded"}}.
 */
@ApplicationScoped
public class LedgerMetrics {

    static final String INCIDENTS_SQL = "select count(*)::float8 as opened,"
            + " (count(*) filter (where resolved_at is null))::float8 as open,"
            + " (count(*) filter (where resolved_at is null and hard_stop))::float8 as hard_stops from budget_incidents";

    @Inject
    DatabaseGauges gauges;

    void onStart(@Observes StartupEvent ignored) {
        DatabaseGauges.Value opened = gauges.counter("company_agents.budget.incidents.opened",
                "Budget incidents opened (a budget reached its limit)", Tags.empty());
        DatabaseGauges.Value open = gauges.gauge("company_agents.budget.incidents.open", "Budget incidents not yet resolved",
                null, Tags.empty());
        DatabaseGauges.Value hardStops = gauges.gauge("company_agents.budget.hard.stops.active",
                "Open budget incidents whose budget is a hard stop (spending refused)", null, Tags.empty());
        gauges.refresh(INCIDENTS_SQL, rows -> {
            Row row = rows.iterator().next();
            opened.set(row.getDouble("opened"));
            open.set(row.getDouble("open"));
            hardStops.set(row.getDouble("hard_stops"));
        });
    }
}
