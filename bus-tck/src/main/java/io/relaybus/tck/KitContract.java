package io.relaybus.tck;

import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.EventHandler;
import io.relaybus.api.PublishReceipt;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The base of a contract kept in a file of its own. {@link TransportCompatibilityKit} composes each one as a
 * {@code @Nested} class that extends it and returns the kit from {@link #kit()}, so the contract runs against the
 * subclass's transport and shows up in reports under both names (the transport's test class and the contract).
 *
 * <p>Each contract carries a tag ({@code tck-chaos}, ...), so one contract can be run alone, for example
 * {@code -Dtest=KafkaTransportCompatibilityTest -Dgroups=tck-chaos} with Maven Surefire.
 *
 * <p>A contract states what it needs through {@link #features()} and skips (with the reason) what does not apply.
 * Buses it opens through {@link #openBus(Map)} are closed by the kit after each test.
 */
public abstract class KitContract {

    /** How many events each worker of a subscription may hold queued. */
    protected static final String QUEUE_CAPACITY = "bus.dispatch.queue.capacity";
    /** How long closing a subscription waits for its handlers. */
    protected static final String CLOSE_TIMEOUT_MS = "bus.close.timeout.ms";

    /** The kit this contract runs in; the kit's nested class returns {@code TransportCompatibilityKit.this}. */
    protected abstract TransportCompatibilityKit kit();

    protected final Features features() {
        return kit().features();
    }

    protected final Duration timeout() {
        return kit().timeout();
    }

    /** Opens a bus with the transport's configuration plus {@code overrides}; closed after the test. */
    protected final EventBus openBus(Map<String, Object> overrides) {
        return kit().openBus(overrides);
    }

    protected final Subscription subscribeReady(EventBus bus, SubscribeOptions options, EventHandler handler) {
        return kit().subscribeReady(bus, options, handler);
    }

    protected static String uniqueName(String base) {
        return TransportCompatibilityKit.uniqueName(base);
    }

    /** A fresh group name when the transport has consumer groups, else {@code null} (a subscriber of its own). */
    protected final String groupIfSupported() {
        return features().consumerGroups() ? uniqueName("g") : null;
    }

    /**
     * Publishes {@code events} from this thread in the order given (so a key's events are sent in list order) and
     * waits for every acknowledgement; returns their ids. Fails when one publish fails.
     */
    protected final List<String> publishAcknowledged(EventBus bus, List<Event> events) {
        List<CompletableFuture<PublishReceipt>> acks = new ArrayList<>(events.size());
        for (Event e : events) {
            acks.add(bus.publish(e).toCompletableFuture());
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                .orTimeout(timeout().toMillis(), TimeUnit.MILLISECONDS).join();
        return events.stream().map(Event::id).toList();
    }

    /**
     * Waits until {@code received} holds every id; on timeout fails saying {@code what}, how many are missing and
     * a few of them.
     */
    protected final void awaitAll(Received received, Collection<String> ids, String what) {
        try {
            Received.await(timeout(), what, () -> received.containsAll(ids));
        } catch (AssertionError timedOut) {
            Set<String> missing = received.missing(ids);
            throw new AssertionError(timedOut.getMessage() + ": " + missing.size() + " of " + ids.size()
                    + " missing, for example " + missing.stream().limit(10).toList(), timedOut);
        }
    }

    /** Sleeps for a window in which something must not happen; not a timing assertion, only how long to look. */
    protected static void hold(Duration window) {
        try {
            Thread.sleep(window.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while holding", e);
        }
    }
}
