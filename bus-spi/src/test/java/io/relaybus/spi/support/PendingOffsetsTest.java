package io.relaybus.spi.support;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PendingOffsetsTest {

    @Test
    @DisplayName("the smallest offset is the first not removed; removing twice or what was never added changes nothing")
    void firstAndIdempotentRemoval() {
        PendingOffsets p = new PendingOffsets();
        assertThrows(IllegalStateException.class, p::first);
        for (long o = 100; o < 140; o++) {
            assertTrue(p.add(o));
        }
        assertFalse(p.add(120), "already there");
        assertTrue(p.remove(101));
        assertFalse(p.remove(101));
        assertFalse(p.remove(99));
        assertFalse(p.remove(1_000));
        assertEquals(100, p.first());
        assertTrue(p.remove(100));
        assertEquals(102, p.first());
        assertEquals(38, p.size());
    }

    @Test
    @DisplayName("an offset removed from the middle and added again (a refused record offered anew) is back in order")
    void reAddAfterRemoval() {
        PendingOffsets p = new PendingOffsets();
        p.add(5);
        p.add(7);
        p.add(9);
        p.remove(7);
        assertTrue(p.add(7));
        p.remove(5);
        assertEquals(7, p.first());
        p.remove(9);
        p.remove(7);
        assertTrue(p.isEmpty());
        p.add(3);                       // lower than anything before: the set was emptied
        assertEquals(3, p.first());
    }

    @Test
    @DisplayName("agrees with a TreeSet over a long random mix of mostly ascending adds and removals in any order")
    void agreesWithTreeSet() {
        for (long seed = 1; seed <= 20; seed++) {
            Random r = new Random(seed);
            PendingOffsets p = new PendingOffsets();
            TreeSet<Long> expected = new TreeSet<>();
            List<Long> live = new ArrayList<>();
            long next = r.nextInt(1000);
            for (int step = 0; step < 20_000; step++) {
                int op = r.nextInt(10);
                if (op < 5) {
                    next += 1 + (r.nextInt(20) == 0 ? r.nextInt(1 << 30) : 0);     // sometimes a huge gap
                    assertEquals(expected.add(next), p.add(next), "seed " + seed);
                    live.add(next);
                } else if (op < 9 && !live.isEmpty()) {
                    long o = live.remove(r.nextInt(live.size()));
                    assertEquals(expected.remove(o), p.remove(o), "seed " + seed);
                } else {
                    long o = expected.isEmpty() ? next : next - r.nextInt(50);       // out of order, maybe present
                    boolean added = expected.add(o);
                    assertEquals(added, p.add(o), "seed " + seed + " add " + o);
                    if (added) {
                        live.add(o);
                    }
                }
                assertEquals(expected.size(), p.size(), "seed " + seed);
                if (!expected.isEmpty()) {
                    assertEquals(expected.first(), p.first(), "seed " + seed);
                }
            }
        }
    }
}
