package io.relaybus.spi.support;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

@DisplayName("OffsetTracker: the contiguous acknowledged prefix")
class OffsetTrackerTest {

    @Test
    @DisplayName("the Javadoc example: 10..14 out, 10, 11, 13 acked -> 12; 12 acked -> 14")
    void javadocExample() {
        OffsetTracker t = new OffsetTracker(10);
        for (long o = 10; o <= 14; o++) {
            t.started(o);
        }
        assertEquals(10, t.committable());
        assertEquals(5, t.pending());
        t.acknowledged(10);
        t.acknowledged(11);
        t.acknowledged(13);
        assertEquals(12, t.committable());
        assertEquals(2, t.pending());   // 12 and 14
        t.acknowledged(12);
        assertEquals(14, t.committable());
        assertEquals(1, t.pending());
        t.acknowledged(14);
        assertEquals(15, t.committable());
        assertEquals(0, t.pending());
    }

    @Test
    @DisplayName("out-of-order acknowledgements never let the commit pass an unacknowledged offset")
    void outOfOrderAcks() {
        int n = 500;
        OffsetTracker t = new OffsetTracker(1000);
        List<Long> offsets = new ArrayList<>();
        for (long o = 1000; o < 1000 + n; o++) {
            t.started(o);
            offsets.add(o);
        }
        Collections.shuffle(offsets, new Random(42));
        TreeSet<Long> unacked = new TreeSet<>(offsets);
        for (long o : offsets) {
            t.acknowledged(o);
            unacked.remove(o);
            long expected = unacked.isEmpty() ? 1000 + n : unacked.first();
            assertEquals(expected, t.committable(), "after acknowledging " + o);
            assertEquals(unacked.size(), t.pending(), "pending after acknowledging " + o);
        }
    }

    @Test
    @DisplayName("a repeated or stale acknowledgement changes nothing")
    void repeatedAndStaleAcks() {
        OffsetTracker t = new OffsetTracker(0);
        for (long o = 0; o < 4; o++) {
            t.started(o);
        }
        t.acknowledged(2);
        t.acknowledged(2);
        assertEquals(0, t.committable());
        assertEquals(3, t.pending());
        t.acknowledged(0);
        t.acknowledged(0);   // now below the committable offset
        assertEquals(1, t.committable());
        assertEquals(2, t.pending());
    }

    @Test
    @DisplayName("pending counts offsets handed out as they arrive")
    void pendingFollowsStarted() {
        OffsetTracker t = new OffsetTracker(5);
        assertEquals(0, t.pending());
        t.started(5);
        t.started(6);
        assertEquals(2, t.pending());
        t.acknowledged(6);
        t.started(7);
        assertEquals(2, t.pending());
        assertEquals(5, t.committable());
    }

    @Test
    @DisplayName("offsets need not be consecutive: a gap of billions (compaction, transaction markers) is passed over "
            + "and costs nothing")
    void gapsCostNothing() {
        OffsetTracker t = new OffsetTracker(10);
        t.started(10);
        t.started(11);
        long far = 10L + Integer.MAX_VALUE + 5_000_000_000L;
        t.started(far);
        t.acknowledged(far);
        t.acknowledged(11);
        assertEquals(10, t.committable(), "10 is still being handled");
        assertEquals(1, t.pending());
        t.acknowledged(10);
        assertEquals(far + 1, t.committable(), "everything below was handled or held no event");
        assertEquals(0, t.pending());
        assertEquals(0, t.tracked(), "nothing is remembered for the offsets in between");
    }

    @Test
    @DisplayName("only the offsets being handled are remembered, however far apart")
    void remembersOnlyWhatIsHandled() {
        OffsetTracker t = new OffsetTracker(0);
        for (long o = 0; o < 1_000_000_000_000L; o += 100_000_000_000L) {
            t.started(o);
        }
        assertEquals(10, t.tracked());
        t.acknowledged(900_000_000_000L);
        assertEquals(9, t.tracked());
        assertEquals(0, t.committable());
    }
}
