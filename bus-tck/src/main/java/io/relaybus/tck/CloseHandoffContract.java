package io.relaybus.tck;

import io.relaybus.api.EventBus;
import io.relaybus.api.StartPosition;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Hand-off on close: a member whose handlers are stuck and whose queues are full of accepted events closes with a
 * short close timeout; none of those events was handled, so none may have been acknowledged, and the group's next
 * member handles every one of them. A transport that acknowledges on receipt instead of on settlement, or that
 * forgets unsettled deliveries on close, loses events here. Needs {@link Features#consumerGroups()},
 * {@link Features#persistence()} (the group is empty between the two members) and {@link Features#atLeastOnce()}.
 */
@DisplayName("Hand-off on close")
@Tag("tck-close-handoff")
public abstract class CloseHandoffContract extends KitContract {

    private static final int CONCURRENCY = 2;
    private static final int CAPACITY = 4;
    private static final Duration CLOSE_TIMEOUT = Duration.ofMillis(500);
    /** close() may overrun its timeout by this much before it counts as hung. */
    static final Duration HANG_MARGIN = Duration.ofSeconds(20);

    @Test
    @DisplayName("events accepted but unsettled when a member closes are handled by the group's next member")
    void unsettledEventsGoToTheNextMember() {
        Features f = features();
        assumeTrue(f.consumerGroups() && f.persistence() && f.atLeastOnce(),
                "needs persistent consumer groups and at-least-once delivery");
        String topic = uniqueName("tck-handoff");
        String group = uniqueName("g");
        SubscribeOptions options = SubscribeOptions.builder(topic).group(group).concurrency(CONCURRENCY)
                .startFrom(StartPosition.EARLIEST).build();

        EventBus first = openBus(Map.of(QUEUE_CAPACITY, Integer.toString(CAPACITY),
                CLOSE_TIMEOUT_MS, Long.toString(CLOSE_TIMEOUT.toMillis())));
        Set<String> entered = ConcurrentHashMap.newKeySet();
        AtomicBoolean released = new AtomicBoolean();
        Subscription stuck = subscribeReady(first, options, e -> {
            entered.add(e.id());
            while (!released.get()) {
                Thread.sleep(10);   // stuck until the close interrupts it (or the test ends)
            }
        });
        List<String> ids = publishAcknowledged(first, Sequenced.interleaved(topic, "key-", 8, 5));
        // Not "every worker": the intake offers in fetch order and holds everything behind a refused event, so when
        // the first events fetched all map to one worker, its full queue holds back the other worker's events too.
        Received.await(timeout(), "the first member is stuck in its handler", () -> !entered.isEmpty());
        hold(Duration.ofMillis(500));   // lets the intake fill the queues (and its hold) behind the stuck workers

        long start = System.nanoTime();
        try {
            stuck.close();
        } finally {
            released.set(true);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(CLOSE_TIMEOUT.plus(HANG_MARGIN)) <= 0, "close() took " + took.toMillis()
                + " ms with a close timeout of " + CLOSE_TIMEOUT.toMillis() + " ms");

        Received next = receiving(openBus(Map.of()), options);
        awaitAll(next, ids, "the next member handled every event the first one held unsettled");
    }
}
