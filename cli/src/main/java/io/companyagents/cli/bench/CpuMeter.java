package io.companyagents.cli.bench;

import io.companyagents.cli.up.RunFile;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * CPU seconds spent by each component of a running system (from its {@code run.json}) and by
 * this benchmark process, between two snapshots. A component's figure is its process plus
 * every live descendant (Postgres backends), so it answers "where does the time go".
 */
final class CpuMeter {

    private final Map<String, Long> pids = new LinkedHashMap<>();

    private CpuMeter() {
    }

    /** A meter over the instance's components, or one over this process alone if no run file is found. */
    static CpuMeter forInstance(Path runFile) {
        CpuMeter meter = new CpuMeter();
        Optional<RunFile> run = RunFile.readIfExists(runFile);
        run.ifPresent(r -> r.components().forEach(c -> {
            if (c.pid() != null) {
                meter.pids.put(c.name(), c.pid());
            }
        }));
        meter.pids.put("benchmark", ProcessHandle.current().pid());
        return meter;
    }

    /** Cumulative CPU nanoseconds per component now. */
    Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        pids.forEach((name, pid) -> out.put(name, ProcessHandle.of(pid).map(CpuMeter::cpuNanos).orElse(0L)));
        return out;
    }

    private static long cpuNanos(ProcessHandle process) {
        long own = process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        return own + process.descendants().mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
    }

    /**
     * Waits until the system is quiet — less than a tenth of a core busy over a second, outside
     * this process — so that work left from setting up (consumers catching up) is not counted
     * against the measurement. Gives up after {@code maxSeconds}.
     */
    void awaitQuiet(int maxSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
        Map<String, Long> previous = snapshot();
        while (System.nanoTime() < deadline) {
            Thread.sleep(1_000);
            Map<String, Long> now = snapshot();
            long busy = 0;
            for (var e : now.entrySet()) {
                if (!e.getKey().equals("benchmark")) {
                    busy += Math.max(0, e.getValue() - previous.getOrDefault(e.getKey(), 0L));
                }
            }
            previous = now;
            if (busy < 100_000_000L) {
                return;
            }
        }
    }

    /** Prints CPU seconds per component between the snapshots and milliseconds of CPU per unit of work. */
    static void print(Map<String, Long> before, Map<String, Long> after, long units, String unit) {
        long total = 0;
        StringBuilder lines = new StringBuilder();
        for (var e : after.entrySet()) {
            long spent = Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0L));
            total += spent;
            lines.append(String.format("    %-10s %6.1f s CPU   %6.2f ms per %s%n", e.getKey(), spent / 1e9,
                    units == 0 ? 0.0 : spent / 1e6 / units, unit));
        }
        System.out.printf("  CPU while measuring (%d %ss):%n%s    %-10s %6.1f s CPU   %6.2f ms per %s%n", units, unit, lines,
                "total", total / 1e9, units == 0 ? 0.0 : total / 1e6 / units, unit);
    }
}
