package io.relaybus.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The warm-up's view of the JIT compiler. */
class JitClockTest {

    private static volatile long sink;

    @Test
    void onLinuxReadsTheCompilerThreadsCpuTimeAndSeesNewHotCodeCompiled() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "reads /proc, so Linux only");
        JitClock clock = JitClock.open().orElseThrow();
        assertEquals("CPU time of the JIT compiler threads", clock.source());
        long before = clock.nanos();
        long after = before;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (int round = 0; after == before && System.nanoTime() - deadline < 0; round++) {
            // Code run this hot for the first time gets compiled (C1, then C2) on the compiler threads.
            long x = round;
            for (int i = 0; i < 1_000_000; i++) {
                x = mix(x + i);
            }
            sink = x;
            after = clock.nanos();
            assertTrue(after >= before, "the clock went back: " + before + " then " + after);
        }
        assertTrue(after > before, "no compiler CPU time seen in 20 s of new hot code");
    }

    private static long mix(long x) {
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        return x ^ (x >>> 29);
    }
}
