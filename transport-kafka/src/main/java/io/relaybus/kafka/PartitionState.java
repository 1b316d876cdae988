package io.relaybus.kafka;

import io.relaybus.spi.support.PendingOffsets;
import org.apache.kafka.common.TopicPartition;

/**
 * One owned partition of a subscription: which offsets were handed to the runtime and are not acknowledged yet, and
 * what was committed. A new state is made each time the partition is assigned (or the consumer restarted), so
 * acknowledgements of deliveries from an earlier ownership land in the old, discarded state and are never committed.
 *
 * <p>Only the offsets being handled are remembered, never the offsets between records: a compacted or transactional
 * topic can skip millions of offsets (removed records, transaction markers), and they hold no event. Example: the
 * state starts at 10; records 10, 11 and 5000000 are handed out; 11 is acknowledged: the commit point is 10. Once 10 is
 * acknowledged it is 5000000 (everything below is handled or never existed), and 5000001 once that one is too.
 *
 * <p>Threading: {@link #acknowledged} runs on the runtime's workers, everything else on the poll thread; all
 * synchronized.
 */
final class PartitionState {

    final TopicPartition partition;
    /** Offsets handed out and not acknowledged yet; at most the runtime's in-flight limit. */
    private final PendingOffsets pending = new PendingOffsets();
    /** Every offset below it was handed out, or holds no record. */
    private long handedOutTo;
    /**
     * The last offset committed for this ownership: the committed offset found on assignment, or -1 when the group
     * had none, so that the first commit stores the starting position even when no record was handled.
     */
    long lastCommitted;

    PartitionState(TopicPartition partition, long position, long committed) {
        this.partition = partition;
        this.handedOutTo = position;
        this.lastCommitted = committed;
    }

    /** A state whose starting position counts as committed already (groupless subscriptions never commit). */
    PartitionState(TopicPartition partition, long position) {
        this(partition, position, position);
    }

    /**
     * Before handing out the record at {@code offset} (before the sink sees it, since a worker may acknowledge it at
     * once). Offsets skipped since the last record hold no event and are passed over in one step.
     */
    synchronized void handingOut(long offset) {
        pending.add(offset);
        handedOutTo = Math.max(handedOutTo, offset + 1);
    }

    /** The sink refused the record at {@code offset}: it is offered again later, so nothing at or after it is done. */
    synchronized void refused(long offset) {
        pending.remove(offset);
        handedOutTo = Math.min(handedOutTo, offset);
    }

    /** The delivery of {@code offset} was handled or dead-lettered. */
    synchronized void acknowledged(long offset) {
        if (pending.remove(offset)) {
            notifyAll();
        }
    }

    /** The offset to commit: every event below it was handled. */
    synchronized long committable() {
        return pending.isEmpty() ? handedOutTo : pending.first();
    }

    /** How many offsets this state remembers: the deliveries being handled, never the offsets between them. */
    synchronized int tracked() {
        return pending.size();
    }

    /** Waits until every delivery handed out was acknowledged, or the deadline ({@link System#nanoTime}) passed. */
    synchronized boolean awaitDrained(long deadlineNanos) throws InterruptedException {
        while (!pending.isEmpty()) {
            long ms = (deadlineNanos - System.nanoTime()) / 1_000_000;
            if (ms <= 0) {
                return false;
            }
            wait(ms);
        }
        return true;
    }
}
