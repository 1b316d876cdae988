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

    @Test
    @DisplayName("the commit point stops at the first unacknowledged offset and jumps when it is acknowledged")
    void contiguousPrefix() {
        PartitionState s = new PartitionState(TP, 10);
        for (long o = 10; o < 15; o++) {
            s.handingOut(o);
        }
        s.acknowledged(10);
        s.acknowledged(11);
        s.acknowledged(13);
        assertEquals(12, s.committable());
        s.acknowledged(12);
        assertEquals(14, s.committable());
    }

    @Test
    @DisplayName("offsets that hold no record (compaction, transaction markers) do not hold the commit point back")
    void gapsCountAsDone() {
        PartitionState s = new PartitionState(TP, 10);
        s.handingOut(10);
        s.handingOut(13);   // 11 and 12 do not exist
        s.acknowledged(10);
        assertEquals(13, s.committable());
        s.acknowledged(13);
        assertEquals(14, s.committable());
    }

    @Test
    @DisplayName("a gap of millions or billions of offsets is passed in one step: only records being handled are kept")
    void hugeGapsCostNothing() {
        PartitionState s = new PartitionState(TP, 10);
        long far = 10 + 50_000_000L;           // a compacted topic
        long farther = far + (1L << 40);       // more than an int can count
        s.handingOut(10);
        s.handingOut(far);
        s.handingOut(farther);
        assertEquals(3, s.tracked(), "offsets remembered");
        assertEquals(10, s.committable());
        s.acknowledged(10);
        assertEquals(far, s.committable());
        s.acknowledged(farther);
        assertEquals(far, s.committable(), "far is still being handled");
        s.acknowledged(far);
        assertEquals(farther + 1, s.committable());
        assertEquals(0, s.tracked());
    }

    @Test
    @DisplayName("an acknowledgement that overtakes the hand-out bookkeeping still counts; a refused record holds the point")
    void refusedAndEarlyAcks() {
        PartitionState s = new PartitionState(TP, 0);
        s.handingOut(0);
        s.acknowledged(0);                     // a worker was faster than the poll thread
        assertEquals(1, s.committable());
        s.handingOut(7);                       // 1..6 hold no record
        s.refused(7);                          // the sink was full: 7 is offered again later
        assertEquals(7, s.committable());
        s.handingOut(7);
        assertEquals(7, s.committable());
        s.acknowledged(7);
        assertEquals(8, s.committable());
    }

    @Test
    @DisplayName("draining waits for what was handed out, bounded by the deadline")
    void drain() throws InterruptedException {
        PartitionState s = new PartitionState(TP, 0);
        s.handingOut(0);
        assertFalse(s.awaitDrained(System.nanoTime() + 20_000_000L), "offset 0 is still being handled");
        Thread acker = new Thread(() -> s.acknowledged(0));
        acker.start();
        assertTrue(s.awaitDrained(System.nanoTime() + 30_000_000_000L));
        acker.join();
    }
}
