package io.relaybus.bench.jmh;

import io.relaybus.spi.support.PendingOffsets;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.Random;
import java.util.TreeSet;

/**
 * A partition's pending offsets as the Kafka consumer loop and {@link io.relaybus.spi.support.OffsetTracker} use
 * them: per record one add (ascending), one removal when a worker acknowledges it (out of order, within the in-flight
 * window) and one read of the smallest (the commit point). {@code pendingOffsets} is {@link PendingOffsets}; {@code treeSet} is the {@code TreeSet<Long>} it replaced,
 * under the same sequence.
 *
 * <p>Run: {@code java -cp bus-bench/target/bus-bench.jar org.openjdk.jmh.Main PendingOffsets -prof gc}
 */
@State(Scope.Thread)
public class PendingOffsetsBenchmark extends MicroBenchmark {

    /** Records handed out and not yet acknowledged. */
    @Param({"64", "1000"})
    public int window;

    private long[] ring;
    private int[] ackOrder;
    private long nextOffset;
    private long step;
    private PendingOffsets pendingOffsets;
    private TreeSet<Long> treeSet;

    @Setup(Level.Iteration)
    public void setUp() {
        Random random = new Random(42);
        ring = new long[window];
        ackOrder = new int[1 << 16];
        for (int i = 0; i < ackOrder.length; i++) {
            ackOrder[i] = random.nextInt(window);     // which of the window's records a worker finishes next
        }
        pendingOffsets = new PendingOffsets();
        treeSet = new TreeSet<>();
        for (int i = 0; i < window; i++) {
            ring[i] = i;
            pendingOffsets.add(i);
            treeSet.add((long) i);
        }
        nextOffset = window;
        step = 0;
    }

    @Benchmark
    public long pendingOffsets() {
        int slot = ackOrder[(int) (step++ & (ackOrder.length - 1))];
        pendingOffsets.remove(ring[slot]);
        long offset = nextOffset++;
        ring[slot] = offset;
        pendingOffsets.add(offset);
        return pendingOffsets.first();
    }

    @Benchmark
    public long treeSet() {
        int slot = ackOrder[(int) (step++ & (ackOrder.length - 1))];
        treeSet.remove(ring[slot]);
        long offset = nextOffset++;
        ring[slot] = offset;
        treeSet.add(offset);
        return treeSet.first();
    }
}
