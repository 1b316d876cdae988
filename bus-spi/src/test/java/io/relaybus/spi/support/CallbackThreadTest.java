package io.relaybus.spi.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class CallbackThreadTest {

    @Test
    @Timeout(30)
    void runsEachProducersTasksInOrderOnItsOwnThread() throws Exception {
        try (CallbackThread callbacks = new CallbackThread("test-callbacks")) {
            int producers = 4;
            int perProducer = 50_000;
            int[] lastSeen = new int[producers];
            java.util.Arrays.fill(lastSeen, -1);
            AtomicInteger outOfOrder = new AtomicInteger();
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(producers * perProducer);
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int producer = p;
                threads.add(new Thread(() -> {
                    for (int i = 0; i < perProducer; i++) {
                        int seq = i;
                        callbacks.execute(() -> {
                            // Only the callback thread touches lastSeen.
                            if (lastSeen[producer] != seq - 1) {
                                outOfOrder.incrementAndGet();
                            }
                            lastSeen[producer] = seq;
                            ranOn.set(Thread.currentThread());
                            done.countDown();
                        });
                        if (i % 1000 == 0) {
                            // let the thread catch up and go to sleep now and then: wake-ups must not be lost
                            sleepQuietly();
                        }
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            assertTrue(done.await(20, TimeUnit.SECONDS), "not run: " + done.getCount());
            assertEquals(0, outOfOrder.get());
            assertEquals("test-callbacks", ranOn.get().getName());
        }
    }

    @Test
    @Timeout(10)
    void aFailingTaskDoesNotStopTheThread() throws Exception {
        try (CallbackThread callbacks = new CallbackThread("test-callbacks")) {
            CountDownLatch after = new CountDownLatch(1);
            callbacks.execute(() -> {
                throw new IllegalStateException("boom (expected by the test)");
            });
            callbacks.execute(after::countDown);
            assertTrue(after.await(5, TimeUnit.SECONDS));
        }
    }

    @Test
    @Timeout(10)
    void closeRunsWhatWasQueuedAndLaterTasksRunOnTheCaller() throws Exception {
        CallbackThread callbacks = new CallbackThread("test-callbacks");
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        callbacks.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i < 100; i++) {
            callbacks.execute(ran::incrementAndGet);
        }
        release.countDown();
        callbacks.close(Duration.ofSeconds(5));
        assertEquals(100, ran.get(), "queued before close: all run");
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        callbacks.execute(() -> ranOn.set(Thread.currentThread()));
        assertSame(Thread.currentThread(), ranOn.get());
    }

    /** With a one-hour sleep cap a lost wake-up would hang here (and time out) instead of costing 100 ms. */
    @Test
    @Timeout(30)
    void aTaskHandedToTheSleepingThreadWakesIt() throws Exception {
        try (CallbackThread callbacks = new CallbackThread("test-callbacks", TimeUnit.HOURS.toNanos(1))) {
            for (int i = 0; i < 200; i++) {
                CountDownLatch ran = new CountDownLatch(1);
                awaitParked(callbacks);
                callbacks.execute(ran::countDown);
                ran.await();
            }
        }
    }

    @Test
    @Timeout(10)
    void aTaskThatLeavesItsThreadInterruptedDoesNotAffectTheNext() throws Exception {
        try (CallbackThread callbacks = new CallbackThread("test-callbacks", TimeUnit.HOURS.toNanos(1))) {
            callbacks.execute(() -> Thread.currentThread().interrupt());
            AtomicReference<Boolean> interrupted = new AtomicReference<>();
            CountDownLatch ran = new CountDownLatch(1);
            callbacks.execute(() -> {
                interrupted.set(Thread.currentThread().isInterrupted());
                ran.countDown();
            });
            assertTrue(ran.await(5, TimeUnit.SECONDS));
            assertEquals(false, interrupted.get(), "the next task started interrupted");
            // And the thread sleeps again instead of spinning on the flag: it parks, and a new task still wakes it.
            awaitParked(callbacks);
            CountDownLatch again = new CountDownLatch(1);
            callbacks.execute(again::countDown);
            assertTrue(again.await(5, TimeUnit.SECONDS));
        }
    }

    /** Waits until the callback thread parked (its queue is empty and it announced its sleep). */
    private static void awaitParked(CallbackThread callbacks) {
        while (callbacks.thread().getState() != Thread.State.TIMED_WAITING) {
            Thread.onSpinWait();
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
