package io.companyagents.cli.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DbMeterTest {

    private static Map<String, DbMeter.Rows> table(String name, long ins, long upd, long hot, long del) {
        return Map.of(name, new DbMeter.Rows(ins, upd, hot, del));
    }

    private static Map<String, DbMeter.Rows> merge(Map<String, DbMeter.Rows> a, Map<String, DbMeter.Rows> b,
                                                   Map<String, DbMeter.Rows> c) {
        var out = new java.util.HashMap<>(a);
        out.putAll(b);
        out.putAll(c);
        return out;
    }

    @Test
    void eachChangedTableGetsItsRowsPerUnitBusiestFirst() {
        Map<String, DbMeter.Rows> before = merge(table("tasks.tasks", 100, 50, 10, 0), table("audit.audit_events", 1_000, 0, 0, 0),
                table("tasks.agents", 7, 3, 3, 0));
        Map<String, DbMeter.Rows> after = merge(table("tasks.tasks", 100, 350, 110, 0), table("audit.audit_events", 1_800, 0, 0, 0),
                table("tasks.agents", 7, 3, 3, 0));

        List<String> lines = DbMeter.tableLines(before, after, 100);

        assertEquals(2, lines.size(), "a table nothing happened to is left out: " + lines);
        assertTrue(lines.get(0).contains("audit.audit_events") && lines.get(0).contains("inserted   8.00"), lines.get(0));
        assertTrue(lines.get(1).contains("tasks.tasks") && lines.get(1).contains("updated   3.00 (HOT  1.00)"), lines.get(1));
    }

    @Test
    void aTableCreatedDuringTheWindowCountsFromZero() {
        Map<String, DbMeter.Rows> before = table("tasks.tasks", 5, 0, 0, 0);
        Map<String, DbMeter.Rows> after = merge(table("tasks.tasks", 5, 0, 0, 0), table("tasks.outbox", 40, 0, 0, 30), Map.of());

        List<String> lines = DbMeter.tableLines(before, after, 10);

        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("tasks.outbox") && lines.get(0).contains("inserted   4.00")
                && lines.get(0).contains("deleted   3.00"), lines.get(0));
    }

    @Test
    void noWorkNoLines() {
        Map<String, DbMeter.Rows> t = table("tasks.tasks", 5, 1, 1, 0);
        assertEquals(List.of(), DbMeter.tableLines(t, table("tasks.tasks", 9, 1, 1, 0), 0));
    }

    @Test
    void aGrowingOutboxBacklogIsCalledOut() {
        String steady = DbMeter.behind(120L, 300L).orElseThrow();
        assertTrue(steady.contains("120 at the start, 300 at the end") && !steady.contains("note:"), steady);

        String behind = DbMeter.behind(100L, 12_600L).orElseThrow();
        assertTrue(behind.contains("grew by 12500 rows") && behind.contains("not a steady state"), behind);

        assertTrue(DbMeter.behind(null, 5L).isEmpty(), "no figure without both snapshots");
    }
}
