package io.companyagents.ledger.domain;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.OffsetDateTime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Monthly windows are UTC calendar months. */
class BudgetWindowTest {

    @Test
    void aMonthlyWindowIsTheUtcCalendarMonth() {
        OffsetDateTime start = BudgetWindow.month.startAt(Instant.parse("2026-11-30T23:59:59.999Z"));
        assertEquals(OffsetDateTime.parse("2026-11-01T00:00:00Z"), start);
        assertEquals(OffsetDateTime.parse("2026-12-01T00:00:00Z"), BudgetWindow.month.endOf(start));
        // 00:30 on 1 December in UTC+2 is still November in UTC
        assertEquals(start, BudgetWindow.month.startAt(OffsetDateTime.parse("2026-12-01T00:30:00+02:00").toInstant()));
        assertTrue(BudgetWindow.month.contains(start, OffsetDateTime.parse("2026-11-01T00:00:00Z")));
        assertFalse(BudgetWindow.month.contains(start, OffsetDateTime.parse("2026-12-01T00:00:00Z")));
        assertFalse(BudgetWindow.month.contains(start, OffsetDateTime.parse("2026-10-31T23:59:59Z")));
    }

    @Test
    void aLifetimeWindowHasNoStartAndHoldsEverything() {
        assertNull(BudgetWindow.lifetime.startAt(Instant.now()));
        assertTrue(BudgetWindow.lifetime.contains(null, OffsetDateTime.parse("1999-01-01T00:00:00Z")));
    }
}
