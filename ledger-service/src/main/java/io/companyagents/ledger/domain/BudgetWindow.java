package io.companyagents.ledger.domain;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** The span a budget's spend is counted over: a UTC calendar month, or all time. */
public enum BudgetWindow {
    month, lifetime;

    /** The start of the window containing {@code now}; null for lifetime (it has no start). */
    public OffsetDateTime startAt(Instant now) {
        if (this == lifetime) {
            return null;
        }
        OffsetDateTime t = now.atOffset(ZoneOffset.UTC);
        return OffsetDateTime.of(t.getYear(), t.getMonthValue(), 1, 0, 0, 0, 0, ZoneOffset.UTC);
    }

    /** The exclusive end of the window starting at {@code start}; null when open-ended. */
    public OffsetDateTime endOf(OffsetDateTime start) {
        return this == lifetime ? null : start.plusMonths(1);
    }

    /** Whether {@code at} falls in the window starting at {@code start}. */
    public boolean contains(OffsetDateTime start, OffsetDateTime at) {
        if (this == lifetime) {
            return true;
        }
        return !at.isBefore(start) && at.isBefore(endOf(start));
    }
}
