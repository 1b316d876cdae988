package io.relaybus.tck;

import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.MetricsSnapshot;
import io.relaybus.api.SubscribeOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Refusal and hold: with a queue of one per worker and a slow handler over many keys, the dispatcher refuses most
 * offers. A transport must hold a refused delivery, stop fetching and offer it again, first and in order, once there
 * is room; one that drops it, skips it or offers later events first loses or reorders events here.
 *
 * <p>Intake must really pause: the events taken in and not yet handled (the bus's {@code consumed} minus
 * {@code handled} and {@code handlerFailures}, as a handler sees them) never exceed
 * {@code concurrency x (capacity + 1)}. Completeness needs {@link Features#atLeastOnce()}; exact per-key order needs
 * {@link Features#perKeyOrder()}; without them the contract checks what still applies.
 */
@DisplayName("Refusal and hold")
@Tag("tck-refusal-and-hold")
public abstract class RefusalAndHoldContract extends KitContract {

    private static final int CONCURRENCY = 2;
    private static final int CAPACITY = 1;
    private static final int KEYS = 40;
    private static final int PER_KEY = 10;

    @Test
    @DisplayName("queue capacity 1, slow handler, 40 keys: nothing lost or reordered per key, and never more than "
            + "concurrency x (capacity + 1) events taken in and unhandled")
    void refusedDeliveriesAreHeldAndOfferedAgain() {
        Features f = features();
        String topic = uniqueName("tck-refusal");
        EventBus bus = openBus(Map.of(QUEUE_CAPACITY, Integer.toString(CAPACITY)));
        int bound = CONCURRENCY * (CAPACITY + 1);
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger blocked = new AtomicInteger();
        AtomicLong mostTakenIn = new AtomicLong();
        KeyOrder order = new KeyOrder();
        Received received = new Received();
        subscribeReady(bus, SubscribeOptions.builder(topic).group(groupIfSupported()).concurrency(CONCURRENCY)
                .orderedByKey(true).build(), e -> {
                    MetricsSnapshot m = bus.metrics();
                    mostTakenIn.accumulateAndGet(m.consumed() - m.handled() - m.handlerFailures(), Math::max);
                    if (gate.getCount() > 0) {
                        blocked.incrementAndGet();
                        gate.await(timeout().toMillis(), TimeUnit.MILLISECONDS);
                    }
                    Thread.sleep(1);   // slow: keeps the queues full, so most offers are refused
                    order.record(e);
                    received.add(e);
                });

        List<Event> events = Sequenced.interleaved(topic, "key-", KEYS, PER_KEY);
        List<String> ids = publishAcknowledged(bus, events);
        // Every worker is held in its handler: from here on the transport is refused and must hold what it fetched.
        Received.await(timeout(), "every worker is busy with a held handler", () -> blocked.get() >= CONCURRENCY);
        hold(Duration.ofMillis(500));
        gate.countDown();

        if (f.atLeastOnce()) {
            awaitAll(received, ids, "every event was handled");
            assertEquals(ids.size(), received.unique(), "events handled");
        } else {
            // At most once: wait until deliveries stop, then check what came.
            awaitSettled("deliveries stop", received::total, () -> false, Duration.ofSeconds(1));
        }
        if (f.perKeyOrder()) {
            List<String> problems = order.violations(f.atLeastOnce(), KEYS, PER_KEY);
            assertTrue(problems.isEmpty(), "a refused delivery was not held and offered again in order: " + problems);
        }
        assertTrue(mostTakenIn.get() <= bound, "intake did not pause: up to " + mostTakenIn.get() + " events were "
                + "taken in and unhandled at once; the limit with concurrency " + CONCURRENCY + " and capacity "
                + CAPACITY + " is " + bound);
    }
}
