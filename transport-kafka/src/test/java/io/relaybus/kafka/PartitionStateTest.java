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
            s.beforeOffer(o);
            s.offered(o);
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
        s.beforeOffer(10);
        s.offered(10);
        s.beforeOffer(13);   // 11 and 12 do not exist
        s.offered(13);
        s.acknowledged(10);
        assertEquals(13, s.committable());
        s.acknowledged(13);
        assertEquals(14, s.committable());
    }

    @Test
    @DisplayName("draining waits for what was handed out, bounded by the deadline")
    void drain() throws InterruptedException {
        PartitionState s = new PartitionState(TP, 0);
        s.beforeOffer(0);
        s.offered(0);
        assertFalse(s.awaitDrained(System.nanoTime() + 20_000_000L), "offset 0 is still being handled");
        Thread acker = new Thread(() -> s.acknowledged(0));
        acker.start();
        assertTrue(s.awaitDrained(System.nanoTime() + 30_000_000_000L));
        acker.join();
    }
}
