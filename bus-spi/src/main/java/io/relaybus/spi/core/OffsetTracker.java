package io.relaybus.spi.core;

import java.util.BitSet;

/**
 * Tracks which offsets of one partition were acknowledged and how far the contiguous acknowledged prefix reaches, so
 * that a commit never passes an event that is still being handled (Kafka's commit semantics: the committed offset is
 * the next one to read).
 *
 * <p>Example: offsets 10..14 handed out, 10, 11 and 13 acknowledged: {@link #committable()} is 12, because 12 is
 * still in flight; once 12 is acknowledged it jumps to 14.
 *
 * <p>Thread safe (synchronized: called once per acknowledgement and once per commit, far from contended).
 */
public final class OffsetTracker {

    private long base;           // every offset below base is acknowledged
    private long highest = -1;   // highest offset handed out
    private final BitSet acked = new BitSet();   // bit i = offset base + i acknowledged

    /** @param start the first offset that will be handed out */
    public OffsetTracker(long start) {
        this.base = start;
    }

    /** Records that {@code offset} was handed out for handling. Offsets must be given in increasing order. */
    public synchronized void started(long offset) {
        if (offset > highest) {
            highest = offset;
        }
    }

    /** Records that {@code offset} was acknowledged (handled or dead-lettered). */
    public synchronized void acknowledged(long offset) {
        if (offset < base) {
            return;
        }
        acked.set(Math.toIntExact(offset - base));
        int run = acked.nextClearBit(0);
        if (run > 0) {
            base += run;
            shift(run);
        }
    }

    private void shift(int by) {
        // BitSet has no shift: copy the rest down. Cheap, since the window is bounded by the in-flight limit.
        BitSet rest = acked.get(by, Math.max(by, acked.length()));
        acked.clear();
        acked.or(rest);
    }

    /** The offset to commit: every offset below it is acknowledged. */
    public synchronized long committable() {
        return base;
    }

    /** How many handed-out offsets are not acknowledged yet. */
    public synchronized long pending() {
        return Math.max(0, highest + 1 - base) - acked.cardinality();
    }
}
