package io.companyagents.cli.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostMeterTest {

    @Test
    void theAggregateLineIsReadByKind() {
        HostMeter.Ticks t = HostMeter.parse("cpu  254032 7 74886 248039 2826 3 11556 6411 0 0").orElseThrow();
        assertEquals(new HostMeter.Ticks(254032, 7, 74886, 248039, 2826, 3, 11556, 6411), t);
        // an older kernel without the steal column
        assertEquals(0, HostMeter.parse("cpu 10 0 5 100 1 0 2").orElseThrow().steal());
    }

    @Test
    void otherLinesAreRefused() {
        assertFalse(HostMeter.parse("cpu0 254032 0 74886 248039 2826 0 11556 6411 0 0").isPresent(), "a single core's line");
        assertFalse(HostMeter.parse("intr 1 2 3 4 5").isPresent());
        assertFalse(HostMeter.parse("cpu a b c d").isPresent());
        assertFalse(HostMeter.parse("").isPresent());
    }

    @Test
    void theWindowIsSplitIntoShares() {
        HostMeter.Ticks before = new HostMeter.Ticks(1000, 0, 500, 2000, 0, 0, 100, 0);
        // 200 ticks: 100 user, 40 system + 10 softirq (kernel 50), 30 steal, 20 idle
        HostMeter.Ticks after = new HostMeter.Ticks(1100, 0, 540, 2020, 0, 0, 110, 30);
        String line = HostMeter.describe(before, after);
        assertTrue(line.contains("user 50.0%"), line);
        assertTrue(line.contains("kernel 25.0% (of which softirq 5.0%)"), line);
        assertTrue(line.contains("steal 15.0%"), line);
        assertTrue(line.contains("idle 10.0%"), line);
        assertTrue(line.contains("note: the hypervisor gave 15%"), "a noticeable steal is pointed out: " + line);

        HostMeter.Ticks quiet = new HostMeter.Ticks(1100, 0, 540, 2040, 0, 0, 110, 0);
        assertFalse(HostMeter.describe(new HostMeter.Ticks(1000, 0, 500, 2000, 0, 0, 100, 0), quiet).contains("note:"),
                "no steal, no note");
        assertEquals("", HostMeter.describe(before, before), "an empty window prints nothing");
    }

    @Test
    @EnabledOnOs(OS.LINUX) // elsewhere there is no /proc/stat and the benchmark prints no machine line
    void theMachinesTicksAdvance() throws Exception {
        HostMeter.Ticks first = HostMeter.snapshot().orElseThrow();
        long sum = 0;
        long until = System.nanoTime() + 100_000_000L;
        while (System.nanoTime() < until) {
            sum += Long.toString(sum).hashCode();
        }
        assertTrue(sum != 1);
        HostMeter.Ticks second = HostMeter.snapshot().orElseThrow();
        assertTrue(second.total() > first.total(), "the clock ticks on");
        assertTrue(second.user() + second.system() > first.user() + first.system(), "a busy tenth of a second shows as busy time");
    }
}
