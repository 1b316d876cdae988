package io.relaybus.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * What this JVM spent on memory over a span: the bytes all its threads allocated on the heap (HotSpot's per-thread
 * allocation counters, summed over every thread that ran, including the ones that ended meanwhile) and the collections
 * of every garbage collector (count and accumulated time), and the time of the JIT compiler ({@link JitClock}). Take
 * a {@link #snapshot()} before and {@link Snapshot#until(Snapshot)} after.
 *
 * <p>Allocation counts everything in this JVM, the bench's own publisher and recorder included; bus and raw share
 * that part, so their difference is the bus's. GC time is what the collectors report as collection time (for G1 the
 * pauses and, for the concurrent cycles, their duration), not CPU time. Thread-safe.
 */
final class JvmMeter {

    private JvmMeter() {
    }

    /** Counters at one moment; {@code allocatedBytes} is -1 when the JVM does not count allocation. */
    record Snapshot(long allocatedBytes, long gcCount, long gcMillis, long jitNanos) {

        /** From this snapshot to {@code later}; -1 allocation when either did not count it. */
        RunResult.Memory until(Snapshot later, long events) {
            long allocated = allocatedBytes < 0 || later.allocatedBytes < 0 ? -1
                    : later.allocatedBytes - allocatedBytes;
            return new RunResult.Memory(allocated, allocated < 0 || events <= 0 ? null : (double) allocated / events,
                    later.gcCount - gcCount, later.gcMillis - gcMillis,
                    jitNanos < 0 || later.jitNanos < 0 ? -1 : (later.jitNanos - jitNanos) / 1_000_000);
        }
    }

    static Snapshot snapshot() {
        long gcCount = 0;
        long gcMillis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        return new Snapshot(allocatedBytes(), gcCount, gcMillis, JitClock.shared().map(JitClock::nanos).orElse(-1L));
    }

    /** Bytes allocated by all threads since the JVM started (ended threads included), or -1 when not counted. */
    static long allocatedBytes() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                && t.isThreadAllocatedMemorySupported()) {
            if (!t.isThreadAllocatedMemoryEnabled()) {
                t.setThreadAllocatedMemoryEnabled(true);
            }
            return t.getTotalThreadAllocatedBytes();
        }
        return -1;
    }
}
