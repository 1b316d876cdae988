package io.relaybus.kafka;

import io.relaybus.spi.core.OffsetTracker;
import org.apache.kafka.common.TopicPartition;

/**
 * One owned partition of a subscription: which offsets were handed to the runtime and acknowledged (an
 * {@link OffsetTracker}), and what was committed. A new state is made each time the partition is assigned, so
 * acknowledgements of deliveries from an earlier ownership land in the old, discarded state and are never committed.
 *
 * <p>Threading: {@link #acknowledged} runs on the runtime's workers; everything else on the poll thread.
 */
final class PartitionState {

    final TopicPartition partition;
    private final OffsetTracker tracker;
    /** The next offset the poll thread expects to hand out; a record beyond it means the offsets between are gone. */
    private long nextOffer;
    /** The last offset committed for this ownership, or the position it started from. */
    long lastCommitted;

    PartitionState(TopicPartition partition, long position) {
        this.partition = partition;
        this.tracker = new OffsetTracker(position);
        this.nextOffer = position;
        this.lastCommitted = position;
    }

    /**
     * Before handing out {@code offset}: offsets skipped since the last one (compacted away, transaction markers) hold
     * no event, so they count as acknowledged; otherwise the committable prefix would stop at them forever.
     */
    void beforeOffer(long offset) {
        for (long o = nextOffer; o < offset; o++) {
            acknowledged(o);
        }
    }

    /** After the runtime accepted the delivery of {@code offset}. */
    void offered(long offset) {
        tracker.started(offset);
        nextOffer = offset + 1;
    }

    /** The delivery of {@code offset} was handled or dead-lettered. */
    synchronized void acknowledged(long offset) {
        tracker.acknowledged(offset);
        notifyAll();
    }

    /** The offset to commit: every event below it was handled. */
    long committable() {
        return tracker.committable();
    }

    /** Waits until every delivery handed out was acknowledged, or the deadline ({@link System#nanoTime}) passed. */
    synchronized boolean awaitDrained(long deadlineNanos) throws InterruptedException {
        while (tracker.pending() > 0) {
            long ms = (deadlineNanos - System.nanoTime()) / 1_000_000;
            if (ms <= 0) {
                return false;
            }
            wait(ms);
        }
        return true;
    }
}
