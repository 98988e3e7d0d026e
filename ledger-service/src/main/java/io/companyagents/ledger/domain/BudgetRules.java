package io.companyagents.ledger.domain;

import io.companyagents.platform.events.EventType;

import java.util.ArrayList;
import java.util.List;

/**
 * What a change to a budget (more spend, a new limit, a new window) means: its new state, the
 * events it emits and what happens to its incident. Pure: the caller holds the budget's row
 * lock, so exactly one transaction sees each crossing and emits it.
 * <ul>
 *   <li>reaching the limit emits {@code budget.exceeded} and opens an incident, once;</li>
 *   <li>reaching the warning level emits {@code budget.warning} once per window;</li>
 *   <li>leaving {@code exceeded} (limit raised, new window) emits {@code budget.recovered} and
 *       resolves the incident;</li>
 *   <li>switching the hard stop of an exceeded budget on or off tells the enforcers with
 *       {@code budget.exceeded} or {@code budget.recovered}; the incident stays open.</li>
 * </ul>
 */
public final class BudgetRules {

    private BudgetRules() {
    }

    public enum Incident { none, open, resolve }

    /**
     * @param budget the settled budget (state and warned brought up to date)
     */
    public record Settlement(Budget budget, List<EventType> events, Incident incident) {
    }

    /**
     * @param before the budget as it was (null for a new one)
     * @param after  the budget with its new spend, configuration or window; its {@code state}
     *               and {@code warned} are recomputed here ({@code warned} false for a new window)
     */
    public static Settlement settle(Budget before, Budget after) {
        BudgetState prev = before == null ? BudgetState.ok : before.state();
        boolean prevStop = before != null && before.hardStop();
        BudgetState next = BudgetState.of(after.spentMicros(), after.limitMicros(), after.warnPercent());
        List<EventType> events = new ArrayList<>(2);
        Incident incident = Incident.none;
        if (next == BudgetState.exceeded) {
            if (prev != BudgetState.exceeded) {
                events.add(EventType.BUDGET_EXCEEDED);
                incident = Incident.open;
            } else if (!prevStop && after.hardStop()) {
                events.add(EventType.BUDGET_EXCEEDED);
            } else if (prevStop && !after.hardStop()) {
                events.add(EventType.BUDGET_RECOVERED);
            }
        } else {
            if (prev == BudgetState.exceeded) {
                events.add(EventType.BUDGET_RECOVERED);
                incident = Incident.resolve;
            }
            if (next == BudgetState.warning && !after.warned()) {
                events.add(EventType.BUDGET_WARNING);
            }
        }
        boolean warned = after.warned() || next != BudgetState.ok;
        return new Settlement(after.settled(next, warned), List.copyOf(events), incident);
    }
}
