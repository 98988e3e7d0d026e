package io.companyagents.ledger.domain;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A budget as stored: its configuration and its current window ({@code windowStart}, null for
 * lifetime) with the spend rolled up in it, the state that spend puts it in, and whether the
 * warning was already sent in this window.
 */
public record Budget(UUID id, UUID companyId, ScopeType scopeType, UUID scopeId, long limitMicros, BudgetWindow window,
                     int warnPercent, boolean hardStop, OffsetDateTime windowStart, long spentMicros, BudgetState state,
                     boolean warned, long version, OffsetDateTime createdAt, OffsetDateTime updatedAt) {

    public OffsetDateTime windowEnd() {
        return windowStart == null ? null : window.endOf(windowStart);
    }

    public long remainingMicros() {
        return Math.max(0, limitMicros - spentMicros);
    }

    /** Whether the window this budget is in has passed at {@code now} (only a monthly one can). */
    public boolean windowPassed(java.time.Instant now) {
        return window == BudgetWindow.month && windowStart.isBefore(window.startAt(now));
    }

    /** The same budget in the window starting at {@code start}, with that window's spend and a fresh warning. */
    public Budget inWindow(OffsetDateTime start, long spent) {
        return new Budget(id, companyId, scopeType, scopeId, limitMicros, window, warnPercent, hardStop, start, spent,
                state, false, version, createdAt, updatedAt);
    }

    public Budget withSpent(long spent) {
        return new Budget(id, companyId, scopeType, scopeId, limitMicros, window, warnPercent, hardStop, windowStart, spent,
                state, warned, version, createdAt, updatedAt);
    }

    public Budget configured(long limit, BudgetWindow w, int warn, boolean stop) {
        return new Budget(id, companyId, scopeType, scopeId, limit, w, warn, stop, windowStart, spentMicros, state, warned,
                version, createdAt, updatedAt);
    }

    public Budget settled(BudgetState s, boolean w) {
        return new Budget(id, companyId, scopeType, scopeId, limitMicros, window, warnPercent, hardStop, windowStart,
                spentMicros, s, w, version, createdAt, updatedAt);
    }
}
