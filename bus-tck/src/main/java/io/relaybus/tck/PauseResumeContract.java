package io.relaybus.tck;

import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pause and resume: after {@link Subscription#pause()} returned, the handler sees no event beyond those already taken
 * in, which are at most {@code concurrency x (capacity + 1)}, not even events published while paused; after
 * {@link Subscription#resume()} every event arrives, in order per key. Completeness and order need
 * {@link Features#atLeastOnce()} and {@link Features#perKeyOrder()}; the pause itself is checked on every transport.
 */
@DisplayName("Pause and resume")
@Tag("tck-pause-resume")
public abstract class PauseResumeContract extends KitContract {

    private static final int CONCURRENCY = 2;
    private static final int CAPACITY = 2;
    private static final int KEYS = 20;
    private static final int PER_KEY = 15;

    @Test
    @DisplayName("after pause() no new event reaches the handler beyond the in-flight limit, even if published "
            + "while paused; after resume() everything arrives in order per key")
    void pauseStopsIntakeAndResumeLosesNothing() {
        Features f = features();
        String topic = uniqueName("tck-pause");
        EventBus bus = openBus(Map.of(QUEUE_CAPACITY, Integer.toString(CAPACITY)));
        int bound = CONCURRENCY * (CAPACITY + 1);
        AtomicInteger starts = new AtomicInteger();
        AtomicInteger running = new AtomicInteger();
        KeyOrder order = new KeyOrder();
        Received received = new Received();
        Subscription s = subscribeReady(bus, SubscribeOptions.builder(topic).group(groupIfSupported())
                .concurrency(CONCURRENCY).build(), e -> {
                    starts.incrementAndGet();
                    running.incrementAndGet();
                    try {
                        Thread.sleep(5);   // slow enough that most events are still on the broker when pause() runs
                        order.record(e);
                        received.add(e);
                    } finally {
                        running.decrementAndGet();
                    }
                });

        // The first half per key before the pause, the second half while paused: per-key order spans both.
        List<Event> before = new ArrayList<>();
        List<Event> whilePaused = new ArrayList<>();
        for (Event e : Sequenced.interleaved(topic, "key-", KEYS, PER_KEY)) {
            (Sequenced.seq(e) < PER_KEY - 3 ? before : whilePaused).add(e);
        }
        List<String> ids = new ArrayList<>(publishAcknowledged(bus, before));
        Received.await(timeout(), "events flow before the pause", () -> received.total() >= 20);
        s.pause();
        int startsAtPause = starts.get();
        assertTrue(s.isPaused(), "isPaused() after pause()");
        assertTrue(received.total() < before.size(), "everything was handled before the pause, so the test proved "
                + "nothing; the handler is too fast for this transport");

        awaitSettled("handlers are idle after pause() (" + running.get() + " running)", starts::get,
                () -> running.get() > 0, Duration.ofMillis(500));
        ids.addAll(publishAcknowledged(bus, whilePaused));
        hold(Duration.ofSeconds(1));
        int seenWhilePaused = starts.get() - startsAtPause;
        assertTrue(seenWhilePaused <= bound, seenWhilePaused + " events reached the handler after pause() returned; "
                + "only those already taken in may, at most " + bound + " (concurrency " + CONCURRENCY
                + " x (capacity " + CAPACITY + " + 1))");

        s.resume();
        assertFalse(s.isPaused(), "isPaused() after resume()");
        if (f.atLeastOnce()) {
            awaitAll(received, ids, "every event arrived after resume()");
            assertEquals(ids.size(), received.unique(), "events handled");
        } else {
            // At most once: what arrived while paused may be gone, but events published now must flow again.
            List<String> after = publishAcknowledged(bus, Sequenced.interleaved(topic, "after-", 5, 2));
            Received.await(timeout(), "events published after resume() arrive",
                    () -> after.stream().anyMatch(received.ids()::contains));
        }
        if (f.perKeyOrder() && f.atLeastOnce()) {
            List<String> problems = order.violations(true, KEYS, PER_KEY);
            assertTrue(problems.isEmpty(), "per-key order across pause and resume: " + problems);
        }
    }
}
