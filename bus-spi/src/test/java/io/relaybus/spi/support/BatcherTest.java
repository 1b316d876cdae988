package io.relaybus.spi.support;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("Batcher: flush by count, bytes and linger")
class BatcherTest {

    private static final Duration NO_LINGER_FLUSH = Duration.ofHours(1);   // linger never fires within a test

    private final BlockingQueue<List<String>> batches = new LinkedBlockingQueue<>();

    private Batcher<String> batcher(int maxCount, long maxBytes, Duration linger) {
        return new Batcher<>("test", maxCount, maxBytes, linger, s -> s.length(), batches::add);
    }

    private List<List<String>> drainBatches() {
        List<List<String>> out = new ArrayList<>();
        batches.drainTo(out);
        return out;
    }

    @Test
    @DisplayName("a batch is handed on when it holds maxCount items; close flushes the rest")
    void flushByCountAndCloseFlushesRest() {
        Batcher<String> b = batcher(3, Long.MAX_VALUE, NO_LINGER_FLUSH);
        for (int i = 0; i < 7; i++) {
            b.add("e" + i);
        }
        assertEquals(List.of(List.of("e0", "e1", "e2"), List.of("e3", "e4", "e5")), drainBatches());
        assertEquals(1, b.size());
        b.close();
        assertEquals(List.of(List.of("e6")), drainBatches());
        assertEquals(0, b.size());
        assertThrows(IllegalStateException.class, () -> b.add("late"));
        b.close();   // idempotent, flushes nothing more
        assertEquals(List.of(), drainBatches());
    }

    @Test
    @DisplayName("a batch is handed on once it holds maxBytes bytes")
    void flushByBytes() {
        Batcher<String> b = batcher(1000, 10, NO_LINGER_FLUSH);
        b.add("aaaa");
        b.add("bbbb");
        assertEquals(List.of(), drainBatches());
        b.add("cc");   // 10 bytes
        assertEquals(List.of(List.of("aaaa", "bbbb", "cc")), drainBatches());
        b.add("0123456789abc");   // one item over the limit goes alone
        assertEquals(List.of(List.of("0123456789abc")), drainBatches());
        b.close();
        assertEquals(List.of(), drainBatches());
    }

    @Test
    @DisplayName("a partial batch is handed on by the linger thread")
    void flushByLinger() throws InterruptedException {
        Batcher<String> b = batcher(1000, Long.MAX_VALUE, Duration.ofMillis(20));
        b.add("a");
        b.add("b");
        // Nothing fills the batch: only the linger thread can hand these on (as one batch, or two if it was quick).
        List<String> flat = new ArrayList<>();
        while (flat.size() < 2) {
            List<String> batch = batches.poll(10, TimeUnit.SECONDS);
            assertNotNull(batch, "linger never flushed; got " + flat);
            flat.addAll(batch);
        }
        assertEquals(List.of("a", "b"), flat);
        b.add("c");   // starts a new batch with its own linger
        assertEquals(List.of("c"), batches.poll(10, TimeUnit.SECONDS));
        b.close();
        assertNull(batches.poll());
    }

    @Test
    @DisplayName("zero linger hands every item on at once, on the adding thread")
    void zeroLingerPassesEachItem() {
        List<String> threads = new ArrayList<>();
        Batcher<String> b = new Batcher<>("test", 100, Long.MAX_VALUE, Duration.ZERO, String::length, batch -> {
            threads.add(Thread.currentThread().getName());
            batches.add(batch);
        });
        b.add("a");
        assertEquals(List.of(List.of("a")), drainBatches());
        b.add("b");
        assertEquals(List.of(List.of("b")), drainBatches());
        assertEquals(List.of(Thread.currentThread().getName(), Thread.currentThread().getName()), threads);
        b.close();
    }

    @Test
    @DisplayName("items added by one thread arrive in order across batches, with linger flushes interleaving")
    void orderKeptAcrossLingerFlushes() throws InterruptedException {
        int n = 50_000;
        Batcher<String> b = batcher(7, Long.MAX_VALUE, Duration.ofNanos(50_000));
        for (int i = 0; i < n; i++) {
            b.add(Integer.toString(i));
            if (i % 97 == 0) {
                Thread.yield();   // gives the linger thread chances to flush a partial batch
            }
        }
        b.close();
        List<List<String>> all = drainBatches();
        List<String> flat = new ArrayList<>();
        all.forEach(flat::addAll);
        assertEquals(n, flat.size());
        for (int i = 0; i < n; i++) {
            assertEquals(Integer.toString(i), flat.get(i), "position " + i);
        }
        assertTrue(all.stream().allMatch(batch -> !batch.isEmpty() && batch.size() <= 7));
    }

    @Test
    @DisplayName("linger flushes really interleave with count flushes in the ordering test")
    void lingerFlushesHappenDuringSteadyAdds() throws InterruptedException {
        // Guards the ordering test above: with this linger a partial batch does get flushed by the timer.
        Batcher<String> b = batcher(7, Long.MAX_VALUE, Duration.ofNanos(50_000));
        b.add("x");
        List<String> partial = batches.poll(10, TimeUnit.SECONDS);
        assertNotNull(partial);
        assertEquals(List.of("x"), partial);
        b.close();
    }

    @Test
    @DisplayName("invalid limits are refused")
    void invalidLimits() {
        assertThrows(IllegalArgumentException.class, () -> batcher(0, 1, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> batcher(1, 0, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> batcher(1, 1, Duration.ofMillis(-1)));
    }
}
