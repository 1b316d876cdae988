package io.relaybus.runtime;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("KeyedDispatcher: per-key order, spreading, backpressure, draining")
class KeyedDispatcherTest {

    /** A generous bound so a broken dispatcher fails the test instead of hanging the build. */
    private static final long WAIT_SECONDS = 10;

    /** An item: its key (or null) and its sequence number within the key. */
    record Item(String key, int seq) {
    }

    private final List<KeyedDispatcher<?>> created = new ArrayList<>();
    private final ExecutorService background = Executors.newCachedThreadPool();

    private KeyedDispatcher<Item> dispatcher(int workers, int capacity, boolean ordered, Consumer<Item> processor) {
        KeyedDispatcher<Item> d = new KeyedDispatcher<>("test", workers, capacity, ordered, Item::key, processor);
        created.add(d);
        return d;
    }

    @AfterEach
    void stop() {
        created.forEach(d -> d.drain(Duration.ZERO));
        background.shutdownNow();
    }

    /** Offers like a transport does: on refusal, wait for room and offer the same item again. */
    private static void offerWithBackpressure(KeyedDispatcher<Item> d, Item item) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!d.offer(item)) {
            assertTrue(System.nanoTime() < deadline, "no room was made for " + item);
            d.awaitCapacity(100, TimeUnit.MILLISECONDS);
        }
    }

    @Test
    @DisplayName("items of one key are processed one at a time, in the order offered, under concurrency")
    void perKeyOrderUnderConcurrency() throws Exception {
        int keys = 200;
        int perKey = 100;
        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        Set<String> running = ConcurrentHashMap.newKeySet();
        List<String> overlaps = new CopyOnWriteArrayList<>();
        KeyedDispatcher<Item> d = dispatcher(8, 16, true, item -> {
            if (!running.add(item.key())) {
                overlaps.add(item.key());
            }
            long spin = ThreadLocalRandom.current().nextInt(2_000);
            for (long i = 0; i < spin; i++) {
                Thread.onSpinWait();
            }
            seen.computeIfAbsent(item.key(), k -> new CopyOnWriteArrayList<>()).add(item.seq());
            running.remove(item.key());
        });
        // Two offering threads, each owning half of the keys, so offers of one key come from one thread.
        List<Future<?>> offerers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int half = t;
            offerers.add(background.submit(() -> {
                for (int seq = 0; seq < perKey; seq++) {
                    for (int k = half; k < keys; k += 2) {
                        offerWithBackpressure(d, new Item("key-" + k, seq));
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : offerers) {
            f.get(WAIT_SECONDS * 3, TimeUnit.SECONDS);
        }
        assertTrue(d.drain(Duration.ofSeconds(WAIT_SECONDS)), "drain finished");

        assertEquals(List.of(), overlaps, "keys processed concurrently");
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < perKey; i++) {
            expected.add(i);
        }
        assertEquals(keys, seen.size());
        seen.forEach((key, seqs) -> assertEquals(expected, seqs, "order of " + key));
    }

    @Test
    @DisplayName("keyless items are spread over every worker")
    void keylessSpreadOverWorkers() throws Exception {
        assertOneItemPerWorker(4, true, null);
    }

    @Test
    @DisplayName("without per-key order, keyed items are spread over every worker too")
    void unorderedKeyedItemsSpread() throws Exception {
        assertOneItemPerWorker(3, false, "same-key");
    }

    /** Offers one item with {@code key} per worker and checks that every worker runs one at the same time. */
    private void assertOneItemPerWorker(int workers, boolean ordered, String key) throws Exception {
        CountDownLatch allStarted = new CountDownLatch(workers);
        CountDownLatch release = new CountDownLatch(1);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        KeyedDispatcher<Item> d = dispatcher(workers, 8, ordered, item -> {
            threads.add(Thread.currentThread().getName());
            allStarted.countDown();
            await(release);
        });
        for (int i = 0; i < workers; i++) {
            assertTrue(d.offer(new Item(key, i)));
        }
        // Each worker is held by its first item: only if every worker got one can all of them start.
        assertTrue(allStarted.await(WAIT_SECONDS, TimeUnit.SECONDS), "workers that started: " + threads);
        assertEquals(workers, threads.size());
        release.countDown();
        assertTrue(d.drain(Duration.ofSeconds(WAIT_SECONDS)));
    }

    @Test
    @DisplayName("a full queue refuses at once; awaitCapacity reports room made, or times out when nothing moves")
    void backpressure() throws Exception {
        Semaphore permits = new Semaphore(0);
        CountDownLatch firstStarted = new CountDownLatch(1);
        List<Integer> processed = new CopyOnWriteArrayList<>();
        KeyedDispatcher<Item> d = dispatcher(1, 2, true, item -> {
            firstStarted.countDown();
            try {
                permits.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            processed.add(item.seq());
        });
        assertTrue(d.offer(new Item("k", 1)));
        assertTrue(firstStarted.await(WAIT_SECONDS, TimeUnit.SECONDS));   // item 1 runs, the queue is empty
        assertTrue(d.offer(new Item("k", 2)));
        assertTrue(d.offer(new Item("k", 3)));
        assertEquals(0, d.remainingCapacity());
        assertEquals(3, d.inFlight());

        // Refused, and without blocking (the bound only guards against a hang).
        Future<Boolean> refused = background.submit(() -> d.offer(new Item("k", 4)));
        assertFalse(refused.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertFalse(d.offer(new Item("k", 4)));
        assertEquals(3, d.inFlight(), "a refused item is not counted");

        assertFalse(d.awaitCapacity(50, TimeUnit.MILLISECONDS), "nothing moved, yet room was reported");

        permits.release();   // item 1 finishes, the worker takes item 2: one slot free
        assertTrue(d.awaitCapacity(WAIT_SECONDS, TimeUnit.SECONDS));
        assertTrue(d.offer(new Item("k", 4)));
        permits.release(3);
        assertTrue(d.drain(Duration.ofSeconds(WAIT_SECONDS)));
        assertEquals(List.of(1, 2, 3, 4), processed);
    }

    @Test
    @DisplayName("awaitCapacity without a refused offer: true at once when there is room, else woken by the next take")
    void awaitCapacityWithoutRefusal() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        KeyedDispatcher<Item> d = dispatcher(1, 1, true, item -> await(release));
        assertTrue(d.awaitCapacity(0, TimeUnit.MILLISECONDS), "an idle dispatcher has room");
        assertTrue(d.offer(new Item("k", 0)));   // taken by the worker, which then blocks
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (d.remainingCapacity() != 1 && System.nanoTime() < deadline) {
            Thread.onSpinWait();   // the worker takes the first item
        }
        assertTrue(d.offer(new Item("k", 1)));   // fills the only queue, without any refusal
        assertEquals(0, d.remainingCapacity());
        // An intake that found no room (but was never refused) must be woken by the next take, not by its timeout.
        CompletableFuture<Long> waited = CompletableFuture.supplyAsync(() -> {
            long start = System.nanoTime();
            try {
                assertTrue(d.awaitCapacity(WAIT_SECONDS, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return System.nanoTime() - start;
        });
        release.countDown();
        long nanos = waited.get(WAIT_SECONDS * 2L, TimeUnit.SECONDS);
        assertTrue(nanos < TimeUnit.SECONDS.toNanos(WAIT_SECONDS), "woken by the take, not by the timeout");
        assertTrue(d.drain(Duration.ofSeconds(WAIT_SECONDS)));
    }

    @Test
    @DisplayName("drain waits for the running item and everything queued, without interrupting")
    void drainWaitsForInFlight() throws Exception {
        FirstItemBlocked blocked = new FirstItemBlocked(10_000);
        KeyedDispatcher<Item> d = blocked.dispatcher;
        List<Integer> processed = blocked.processed;
        Future<Boolean> drained = background.submit(() -> d.drain(Duration.ofSeconds(WAIT_SECONDS)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (d.offer(new Item("k", 99))) {   // accepted until draining began; such items must be processed too
            processed.add(-1);
            assertTrue(System.nanoTime() < deadline, "drain never refused new items");
            Thread.onSpinWait();
        }
        assertFalse(drained.isDone(), "drain returned while an item was still running");
        blocked.release.countDown();
        assertTrue(drained.get(WAIT_SECONDS * 2, TimeUnit.SECONDS));
        assertEquals(0, blocked.interrupted.get());
        assertEquals(List.of(1, 2, 3), processed.stream().filter(s -> s != 99 && s != -1).toList());
        assertEquals(processed.stream().filter(s -> s == -1).count(), processed.stream().filter(s -> s == 99).count(),
                "items accepted before draining began were processed");
        assertEquals(0, d.inFlight());
    }

    @Test
    @DisplayName("drain with a timeout interrupts the running item, abandons the queued ones and returns false")
    void drainTimeoutAbandonsQueued() throws Exception {
        FirstItemBlocked blocked = new FirstItemBlocked(8);   // never released
        KeyedDispatcher<Item> d = blocked.dispatcher;
        assertFalse(d.drain(Duration.ofMillis(100)));
        assertEquals(1, blocked.interrupted.get(), "the running item was interrupted");
        assertFalse(d.offer(new Item("k", 4)), "a drained dispatcher accepts nothing");
        // drain joined the workers: anything they were going to process has been processed by now.
        assertEquals(List.of(), blocked.processed, "queued items were processed after the drain gave up");
        assertEquals(2, d.inFlight(), "abandoned items stay counted as not processed");
    }

    @Test
    @DisplayName("a processor that leaves its thread interrupted does not end the worker: its queue is processed")
    void strayInterruptDoesNotKillWorker() throws Exception {
        List<Integer> processed = new CopyOnWriteArrayList<>();
        KeyedDispatcher<Item> d = dispatcher(1, 100, true, item -> {
            processed.add(item.seq());
            Thread.currentThread().interrupt();
        });
        for (int i = 0; i < 10; i++) {
            offerWithBackpressure(d, new Item("k", i));
        }
        assertTrue(d.drain(Duration.ofSeconds(WAIT_SECONDS)), "the queue behind the interrupted item was stranded");
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), processed);
    }

    /**
     * A dispatcher of one worker on which items 1, 2 and 3 of key {@code k} were offered and item 1 is running,
     * blocked until {@link #release} (an interrupt ends it early and is counted); the others are queued behind it.
     */
    private final class FirstItemBlocked {
        final CountDownLatch release = new CountDownLatch(1);
        final List<Integer> processed = new CopyOnWriteArrayList<>();
        final AtomicInteger interrupted = new AtomicInteger();
        final KeyedDispatcher<Item> dispatcher;

        FirstItemBlocked(int capacity) throws InterruptedException {
            CountDownLatch firstStarted = new CountDownLatch(1);
            dispatcher = dispatcher(1, capacity, true, item -> {
                if (item.seq() == 1) {
                    firstStarted.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        interrupted.incrementAndGet();
                        return;
                    }
                }
                processed.add(item.seq());
            });
            for (int i = 1; i <= 3; i++) {
                assertTrue(dispatcher.offer(new Item("k", i)));
            }
            assertTrue(firstStarted.await(WAIT_SECONDS, TimeUnit.SECONDS));
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
