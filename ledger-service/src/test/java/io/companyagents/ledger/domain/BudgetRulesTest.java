package io.companyagents.ledger.domain;

import io.companyagents.platform.events.EventType;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a budget's change means: its state, its events, its incident. */
class BudgetRulesTest {

    private static final OffsetDateTime NOV = OffsetDateTime.parse("2026-11-01T00:00:00Z");

    private static Budget budget(long limit, long spent, BudgetState state, boolean warned, boolean hardStop) {
        return new Budget(UUID.randomUUID(), UUID.randomUUID(), ScopeType.agent, UUID.randomUUID(), limit, BudgetWindow.month,
                80, hardStop, NOV, spent, state, warned, 1, NOV, NOV);
    }

    @Test
    void stateIsExceededAtTheLimitAndWarningFromTheWarnPercent() {
        assertEquals(BudgetState.ok, BudgetState.of(799, 1000, 80));
        assertEquals(BudgetState.warning, BudgetState.of(800, 1000, 80));
        assertEquals(BudgetState.warning, BudgetState.of(999, 1000, 80));
        assertEquals(BudgetState.exceeded, BudgetState.of(1000, 1000, 80));
        assertEquals(BudgetState.exceeded, BudgetState.of(0, 0, 80));
        assertEquals(BudgetState.warning, BudgetState.of(Long.MAX_VALUE - 1, Long.MAX_VALUE, 80), "no overflow");
    }

    @Test
    void crossingTheWarningEmitsItOncePerWindow() {
        Budget ok = budget(1000, 500, BudgetState.ok, false, true);
        BudgetRules.Settlement first = BudgetRules.settle(ok, ok.withSpent(850));
        assertEquals(List.of(EventType.BUDGET_WARNING), first.events());
        assertTrue(first.budget().warned());
        BudgetRules.Settlement again = BudgetRules.settle(first.budget(), first.budget().withSpent(900));
        assertEquals(List.of(), again.events());
    }

    @Test
    void reachingTheLimitEmitsExceededAndOpensAnIncidentOnlyOnTheCrossing() {
        Budget warning = budget(1000, 900, BudgetState.warning, true, true);
        BudgetRules.Settlement crossing = BudgetRules.settle(warning, warning.withSpent(1000));
        assertEquals(List.of(EventType.BUDGET_EXCEEDED), crossing.events());
        assertEquals(BudgetRules.Incident.open, crossing.incident());
        BudgetRules.Settlement beyond = BudgetRules.settle(crossing.budget(), crossing.budget().withSpent(5000));
        assertEquals(List.of(), beyond.events());
        assertEquals(BudgetRules.Incident.none, beyond.incident());
    }

    @Test
    void jumpingStraightPastTheLimitEmitsOnlyExceeded() {
        Budget ok = budget(1000, 0, BudgetState.ok, false, true);
        assertEquals(List.of(EventType.BUDGET_EXCEEDED), BudgetRules.settle(ok, ok.withSpent(2000)).events());
    }

    @Test
    void raisingTheLimitOrANewWindowRecoversAndResolvesTheIncident() {
        Budget exceeded = budget(1000, 1200, BudgetState.exceeded, true, true);
        BudgetRules.Settlement raised = BudgetRules.settle(exceeded, exceeded.configured(5000, BudgetWindow.month, 80, true));
        assertEquals(List.of(EventType.BUDGET_RECOVERED), raised.events());
        assertEquals(BudgetRules.Incident.resolve, raised.incident());
        assertEquals(BudgetState.ok, raised.budget().state());

        BudgetRules.Settlement december = BudgetRules.settle(exceeded, exceeded.inWindow(NOV.plusMonths(1), 0));
        assertEquals(List.of(EventType.BUDGET_RECOVERED), december.events());
        assertFalse(december.budget().warned(), "a new window may warn again");
    }

    @Test
    void aNewBudgetAlreadyOverItsLimitIsExceededAtOnce() {
        Budget fresh = budget(100, 150, BudgetState.ok, false, true);
        BudgetRules.Settlement s = BudgetRules.settle(null, fresh);
        assertEquals(List.of(EventType.BUDGET_EXCEEDED), s.events());
        assertEquals(BudgetRules.Incident.open, s.incident());
    }

    @Test
    void switchingTheHardStopOfAnExceededBudgetTellsTheEnforcersWithoutANewIncident() {
        Budget stop = budget(1000, 1200, BudgetState.exceeded, true, true);
        BudgetRules.Settlement lifted = BudgetRules.settle(stop, stop.configured(1000, BudgetWindow.month, 80, false));
        assertEquals(List.of(EventType.BUDGET_RECOVERED), lifted.events());
        assertEquals(BudgetRules.Incident.none, lifted.incident());
        BudgetRules.Settlement back = BudgetRules.settle(lifted.budget(), lifted.budget().configured(1000, BudgetWindow.month, 80, true));
        assertEquals(List.of(EventType.BUDGET_EXCEEDED), back.events());
        assertEquals(BudgetRules.Incident.none, back.incident());
    }
}
