package io.companyagents.cli.bench;

import io.companyagents.cli.up.RunFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * CPU seconds spent by each component of a running system (from its {@code run.json}) and by
 * this benchmark process, between two snapshots. A component's figure is its process plus
 * every live descendant (Postgres backends), so it answers "where does the time go". On Linux
 * it also tells how much of a JVM's time its JIT compiler threads took: a JVM still compiling
 * hot code spends a share of its CPU on that, which steady-state figures should not carry.
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

    /** Cumulative CPU of a component: all of it, and the part its JIT compiler threads took (0 if unknown). */
    record Cpu(long nanos, long jitNanos) {
    }

    /** Cumulative CPU per component now. */
    Map<String, Cpu> snapshot() {
        Map<String, Cpu> out = new LinkedHashMap<>();
        pids.forEach((name, pid) -> out.put(name,
                new Cpu(ProcessHandle.of(pid).map(CpuMeter::cpuNanos).orElse(0L), jitNanos(pid))));
        return out;
    }

    /**
     * CPU nanoseconds of the process's threads named like HotSpot's compiler threads ("C1
     * CompilerThre…", "C2 CompilerThre…"), from {@code /proc/<pid>/task/<tid>/stat} (utime +
     * stime, in clock ticks of 1/100 s on Linux); 0 where there is no such file.
     */
    private static long jitNanos(long pid) {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        if (!Files.isDirectory(tasks)) {
            return 0;
        }
        long ticks = 0;
        try (var threads = Files.list(tasks)) {
            for (Path thread : (Iterable<Path>) threads::iterator) {
                String stat;
                try {
                    stat = Files.readString(thread.resolve("stat"));
                } catch (IOException gone) {
                    continue; // the thread ended between listing and reading
                }
                ticks += compilerTicks(stat);
            }
        } catch (IOException | RuntimeException unreadable) {
            return 0;
        }
        return ticks * 10_000_000L;
    }

    private static long cpuNanos(ProcessHandle process) {
        long own = process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        return own + process.descendants().mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
    }

    /**
     * The CPU clock ticks (utime + stime) of one thread's {@code stat} line if the thread is a
     * HotSpot compiler thread, else 0. The name sits between the first {@code (} and the last
     * {@code )} and may hold spaces; utime and stime are the 12th and 13th fields after it.
     */
    static long compilerTicks(String stat) {
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        if (open < 0 || close < open || close + 2 > stat.length() || !stat.substring(open + 1, close).contains("CompilerThre")) {
            return 0;
        }
        String[] fields = stat.substring(close + 2).trim().split(" ");
        return fields.length > 12 ? Long.parseLong(fields[11]) + Long.parseLong(fields[12]) : 0;
    }

    /**
     * Waits until the system is quiet — less than a tenth of a core busy over a second, outside
     * this process — so that work left from setting up (consumers catching up) is not counted
     * against the measurement. Gives up after {@code maxSeconds}.
     */
    void awaitQuiet(int maxSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
        Map<String, Cpu> previous = snapshot();
        while (System.nanoTime() < deadline) {
            Thread.sleep(1_000);
            Map<String, Cpu> now = snapshot();
            long busy = 0;
            for (var e : now.entrySet()) {
                if (!e.getKey().equals("benchmark")) {
                    Cpu before = previous.get(e.getKey());
                    busy += Math.max(0, e.getValue().nanos() - (before == null ? 0 : before.nanos()));
                }
            }
            previous = now;
            if (busy < 100_000_000L) {
                return;
            }
        }
    }

    /**
     * Prints CPU seconds per component between the snapshots, milliseconds of CPU per unit of
     * work, and how many of those seconds JIT compiling took.
     */
    static void print(Map<String, Cpu> before, Map<String, Cpu> after, long units, String unit) {
        long total = 0;
        long totalJit = 0;
        StringBuilder lines = new StringBuilder();
        for (var e : after.entrySet()) {
            Cpu start = before.getOrDefault(e.getKey(), new Cpu(0, 0));
            long spent = Math.max(0, e.getValue().nanos() - start.nanos());
            long jit = Math.min(spent, Math.max(0, e.getValue().jitNanos() - start.jitNanos()));
            total += spent;
            totalJit += jit;
            lines.append(line(e.getKey(), spent, jit, units, unit));
        }
        System.out.printf("  CPU while measuring (%d %ss):%n%s%s", units, unit, lines, line("total", total, totalJit, units, unit));
        if (total > 0 && totalJit * 10 > total) {
            System.out.printf("  note: JIT compiling took %.0f%% of the CPU: the JVMs were still warming up;"
                    + " a longer --warmup gives steady-state figures%n", totalJit * 100.0 / total);
        }
    }

    private static String line(String name, long spent, long jit, long units, String unit) {
        return String.format("    %-10s %6.1f s CPU   %6.2f ms per %s%s%n", name, spent / 1e9,
                units == 0 ? 0.0 : spent / 1e6 / units, unit, jit == 0 ? "" : String.format("   (JIT %4.1f s)", jit / 1e9));
    }
}
