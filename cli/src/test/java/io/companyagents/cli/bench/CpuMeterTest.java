package io.companyagents.cli.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuMeterTest {

    @Test
    void aCompilerThreadsTicksAreItsUserAndSystemTime() {
        // a C2 compiler thread's stat line: utime 5123, stime 77 (fields 14 and 15)
        String stat = "4242 (C2 CompilerThre) S 4200 4200 4200 0 -1 1077936192 12 0 0 0 5123 77 0 0 20 0 32 0 1000 0 0";
        assertEquals(5200, CpuMeter.compilerTicks(stat));
    }

    @Test
    void otherThreadsAndBrokenLinesCountNothing() {
        assertEquals(0, CpuMeter.compilerTicks("4243 (vert.x-eventloop) S 4200 4200 4200 0 -1 1077936192 12 0 0 0 900 10 0 0 20 0 32 0 1000 0 0"));
        // a name with a space and a closing parenthesis inside is still read up to the last ')'
        assertEquals(0, CpuMeter.compilerTicks("4244 (a (b) c) S 4200 4200 4200 0 -1 1 12 0 0 0 900 10 0 0"));
        assertEquals(0, CpuMeter.compilerTicks("4245 (C1 CompilerThre) S 1 2"));
        assertEquals(0, CpuMeter.compilerTicks("garbage"));
    }

    @Test
    @EnabledOnOs(OS.LINUX) // elsewhere there is no /proc and the meter prints no JIT column
    void thisJvmsCompilerThreadsAreFoundOnLinux() {
        // compile something so the compiler threads have run
        long sum = 0;
        for (int i = 0; i < 5_000_000; i++) {
            sum += Integer.toString(i).hashCode();
        }
        assertTrue(sum != 1);
        Map<String, CpuMeter.Cpu> snapshot = CpuMeter.forInstance(Path.of("/nonexistent/run.json")).snapshot();
        CpuMeter.Cpu benchmark = snapshot.get("benchmark");
        assertTrue(benchmark.nanos() > 0, "the process's own CPU is measured");
        assertTrue(benchmark.jitNanos() > 0, "this JVM's compiler threads have used CPU");
        assertTrue(benchmark.jitNanos() <= benchmark.nanos(), "JIT time is part of the process's time");
    }
}
