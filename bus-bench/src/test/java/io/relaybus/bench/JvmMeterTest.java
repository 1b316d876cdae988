package io.relaybus.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The allocation and GC accounting of a measured phase. */
class JvmMeterTest {

    private static volatile Object sink;

    @Test
    void countsWhatEveryThreadAllocatedIncludingThreadsThatEnded() throws Exception {
        long megabytes = 64;
        JvmMeter.Snapshot before = JvmMeter.snapshot();
        Thread worker = new Thread(() -> {
            for (int i = 0; i < megabytes; i++) {
                sink = new byte[1024 * 1024];
            }
        });
        worker.start();
        worker.join();
        for (int i = 0; i < megabytes; i++) {
            sink = new byte[1024 * 1024];
        }
        RunResult.Memory m = before.until(JvmMeter.snapshot(), 1024);
        long expected = 2 * megabytes * 1024 * 1024;
        assertTrue(m.allocatedBytes() >= expected, m.toString());
        // The arrays, plus what the thread, JUnit and the MXBeans allocate meanwhile: far less than another array.
        assertTrue(m.allocatedBytes() < expected + 1024 * 1024, m.toString());
        assertEquals(m.allocatedBytes() / 1024.0, m.allocatedBytesPerEvent());
    }

    @Test
    void countsCollections() {
        JvmMeter.Snapshot before = JvmMeter.snapshot();
        System.gc();
        RunResult.Memory m = before.until(JvmMeter.snapshot(), 10);
        assertTrue(m.gcCount() >= 1, m.toString());
        assertTrue(m.gcMillis() >= 0, m.toString());
    }

    @Test
    void noEventsMeansNoPerEventFigure() {
        RunResult.Memory m = new JvmMeter.Snapshot(100, 0, 0, 1_000_000).until(
                new JvmMeter.Snapshot(300, 1, 5, 8_500_000), 0);
        assertEquals(new RunResult.Memory(200, null, 1, 5, 7), m);
        assertEquals(new RunResult.Memory(-1, null, 1, 5, -1),
                new JvmMeter.Snapshot(-1, 0, 0, -1).until(new JvmMeter.Snapshot(300, 1, 5, 9), 10));
    }
}
