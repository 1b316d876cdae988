package io.relaybus.kafka;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pure offset bookkeeping: the commit point per partition. */
class PartitionStateTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);

    /** A partition positioned at {@code position} whose poll thread handed out {@code offsets}, in that order. */
    private static PartitionState handedOut(long position, long... offsets) {
        PartitionState s = new PartitionState(TP, position);
        for (long o : offsets) {
            s.handingOut(o);
        }
        return s;
    }

    /** Acknowledges {@code offsets} of {@code s}, in that order; returns the commit point after the last. */
    private static long committableAfter(PartitionState s, long... offsets) {
        for (long o : offsets) {
            s.acknowledged(o);
        }
        return s.committable();
    }

    @Test
    @DisplayName("the commit point stops at the first unacknowledged offset and jumps when it is acknowledged")
    void contiguousPrefix() {
        PartitionState s = handedOut(10, 10, 11, 12, 13, 14);
        assertEquals(12, committableAfter(s, 10, 11, 13));
        assertEquals(14, committableAfter(s, 12));
    }

    @Test
    @DisplayName("offsets that hold no record (compaction, transaction markers) do not hold the commit point back")
    void gapsCountAsDone() {
        PartitionState s = handedOut(10, 10, 13);   // 11 and 12 do not exist
        assertEquals(13, committableAfter(s, 10));
        assertEquals(14, committableAfter(s, 13));
    }

    @Test
    @DisplayName("a gap of millions or billions of offsets is passed in one step: only records being handled are kept")
    void hugeGapsCostNothing() {
        long far = 10 + 50_000_000L;           // a compacted topic
        long farther = far + (1L << 40);       // more than an int can count
        PartitionState s = handedOut(10, 10, far, farther);
        assertEquals(3, s.tracked(), "offsets remembered");
        assertEquals(10, s.committable());
        assertEquals(far, committableAfter(s, 10));
        assertEquals(far, committableAfter(s, farther), "far is still being handled");
        assertEquals(farther + 1, committableAfter(s, far));
        assertEquals(0, s.tracked());
    }

    @Test
    @DisplayName("an acknowledgement that overtakes the hand-out bookkeeping still counts; a refused record holds the point")
    void refusedAndEarlyAcks() {
        PartitionState s = handedOut(0, 0);
        assertEquals(1, committableAfter(s, 0));   // a worker was faster than the poll thread
        s.handingOut(7);                            // 1..6 hold no record
        s.refused(7);                               // the sink was full: 7 is offered again later
        assertEquals(7, s.committable());
        s.handingOut(7);
        assertEquals(7, s.committable());
        assertEquals(8, committableAfter(s, 7));
    }

    @Test
    @DisplayName("draining waits for what was handed out, bounded by the deadline")
    void drain() throws InterruptedException {
        PartitionState s = handedOut(0, 0);
        assertFalse(s.awaitDrained(System.nanoTime() + 20_000_000L), "offset 0 is still being handled");
        Thread acker = new Thread(() -> s.acknowledged(0));
        acker.start();
        assertTrue(s.awaitDrained(System.nanoTime() + 30_000_000_000L));
        acker.join();
    }
}
