package io.companyagents.cli.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the whole machine's CPU time went between two snapshots, from the first line of Linux's
 * {@code /proc/stat}: user code, the kernel (system calls, interrupts, softirqs — the loopback
 * network and disk writes of every component), time the hypervisor gave to another guest
 * (steal), and idle. The per-component table says which process spent the CPU; this says how
 * much of it was the kernel's and how much the machine never had, which is why the same code
 * measures differently from one run to the next on a shared virtual machine.
 */
final class HostMeter {

    private static final Path PROC_STAT = Path.of("/proc/stat");

    /** Cumulative clock ticks of all cores, by kind. */
    record Ticks(long user, long nice, long system, long idle, long iowait, long irq, long softirq, long steal) {

        long total() {
            return user + nice + system + idle + iowait + irq + softirq + steal;
        }

        Ticks minus(Ticks earlier) {
            return new Ticks(user - earlier.user, nice - earlier.nice, system - earlier.system, idle - earlier.idle,
                    iowait - earlier.iowait, irq - earlier.irq, softirq - earlier.softirq, steal - earlier.steal);
        }
    }

    private HostMeter() {
    }

    /** The machine's ticks now; empty where there is no readable {@code /proc/stat} (not Linux). */
    static Optional<Ticks> snapshot() {
        try (BufferedReader stat = Files.newBufferedReader(PROC_STAT)) {
            String first = stat.readLine();
            return first == null ? Optional.empty() : parse(first);
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    /**
     * The aggregate {@code cpu} line: {@code cpu user nice system idle iowait irq softirq steal …};
     * older kernels stop before steal (read as 0). Anything else is empty.
     */
    static Optional<Ticks> parse(String line) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 5 || !f[0].equals("cpu")) {
            return Optional.empty();
        }
        long[] v = new long[8];
        try {
            for (int i = 0; i < v.length && i + 1 < f.length; i++) {
                v[i] = Long.parseLong(f[i + 1]);
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.of(new Ticks(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]));
    }

    /** The window's shares, one line, and a note when the hypervisor took a noticeable part. */
    static String describe(Ticks before, Ticks after) {
        Ticks d = after.minus(before);
        long total = d.total();
        if (total <= 0) {
            return "";
        }
        StringBuilder out = new StringBuilder(String.format(
                "  Machine CPU while measuring (all cores, /proc/stat): user %.1f%%   kernel %.1f%% (of which softirq %.1f%%)"
                        + "   iowait %.1f%%   steal %.1f%%   idle %.1f%%%n",
                pct(d.user() + d.nice(), total), pct(d.system() + d.irq() + d.softirq(), total), pct(d.softirq(), total),
                pct(d.iowait(), total), pct(d.steal(), total), pct(d.idle(), total)));
        if (d.steal() * 20 > total) {
            out.append(String.format("  note: the hypervisor gave %.0f%% of this machine's CPU time to other guests (steal):"
                    + " this run had less machine than the table's figures suggest%n", pct(d.steal(), total)));
        }
        return out.toString();
    }

    private static double pct(long part, long total) {
        return part * 100.0 / total;
    }
}
