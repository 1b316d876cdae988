package io.relaybus.tck;

import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.EventHandler;
import io.relaybus.api.PublishReceipt;
import io.relaybus.api.StartPosition;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * The base of every contract, one per file. {@link TransportCompatibilityKit} composes each one as a {@code @Nested}
 * class that extends it and returns the kit from {@link #kit()}, so the contract runs against the subclass's
 * transport. A contract's {@code @DisplayName} states it; the kit names the nested class after it and the transport's
 * test class ({@code Round trip [KafkaTransportCompatibilityTest]}), so reports show both.
 *
 * <p>Each contract carries a tag ({@code tck-chaos}, ...), so one contract can be run alone, for example
 * {@code -Dtest=KafkaTransportCompatibilityTest -Dgroups=tck-chaos} with Maven Surefire.
 *
 * <p>A contract states what it needs through {@link #features()} and skips (with the reason) what does not apply.
 * Buses it opens through {@link #openBus(Map)} are closed by the kit after each test. Instances are per test, on
 * JUnit's thread; the helpers are not meant to be shared across threads except where they say so.
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

    /** The configuration that opens a bus against the broker under test. */
    protected final Map<String, Object> busConfig() {
        return kit().busConfig();
    }

    /** Restarts the broker (or the fixture's stand-in); only when {@link Features#brokerRestart()} is declared. */
    protected final void restartBroker() throws Exception {
        kit().restartBroker();
    }

    /** Opens a bus with the transport's configuration; closed after the test. */
    protected final EventBus openBus() {
        return kit().openBus();
    }

    /** Opens a bus with the transport's configuration plus {@code overrides}; closed after the test. */
    protected final EventBus openBus(Map<String, Object> overrides) {
        return kit().openBus(overrides);
    }

    protected final Subscription subscribeReady(EventBus bus, SubscribeOptions options, EventHandler handler) {
        return kit().subscribeReady(bus, options, handler);
    }

    /** Subscribes (waiting until ready) a handler that records every event into the returned {@link Received}. */
    protected final Received receiving(EventBus bus, SubscribeOptions options) {
        Received received = new Received();
        subscribeReady(bus, options, received::add);
        return received;
    }

    protected static String uniqueName(String base) {
        return TransportCompatibilityKit.uniqueName(base);
    }

    /** Where a new group starts so that it sees what was published before: EARLIEST when the transport replays. */
    protected final StartPosition startForNewGroups() {
        return features().replayForNewGroups() ? StartPosition.EARLIEST : StartPosition.LATEST;
    }

    /** An event with key {@code key}, header {@code seq} and payload {@code event-<seq>}. */
    protected static Event event(String topic, String key, int seq) {
        return Event.builder(topic).key(key).header("seq", Integer.toString(seq)).payload("event-" + seq).build();
    }

    /** Publishes and waits for the acknowledgement (bounded by the kit's timeout). */
    protected final PublishReceipt publishSync(EventBus bus, Event event) {
        return bus.publish(event).toCompletableFuture().orTimeout(timeout().toMillis(), TimeUnit.MILLISECONDS).join();
    }

    /**
     * Publishes {@code publishers x perPublisher} events from that many threads (keys {@code p<n>-k0..9}); returns
     * the ids, all acknowledged.
     */
    protected final List<String> publishConcurrently(EventBus bus, String topic, int publishers, int perPublisher)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(publishers);
        try {
            List<CompletableFuture<List<String>>> all = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                int publisher = p;
                all.add(CompletableFuture.supplyAsync(() -> {
                    List<CompletableFuture<PublishReceipt>> acks = new ArrayList<>();
                    List<String> ids = new ArrayList<>();
                    for (int i = 0; i < perPublisher; i++) {
                        Event e = event(topic, "p" + publisher + "-k" + (i % 10), i);
                        ids.add(e.id());
                        acks.add(bus.publish(e).toCompletableFuture());
                    }
                    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
                    return ids;
                }, pool));
            }
            List<String> ids = new ArrayList<>();
            for (CompletableFuture<List<String>> f : all) {
                ids.addAll(f.get(timeout().toMillis(), TimeUnit.MILLISECONDS));
            }
            return ids;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Publishes {@code total} events over {@code keys} keys as a steady stream and restarts the broker
     * ({@link #restartBroker()}) a third of the way through, once {@code received} has seen an event; returns the ids
     * of the publishes that were acknowledged (publishes may fail across the restart) and prints a summary. Fails
     * unless more than half were acknowledged.
     */
    protected final List<String> publishAcrossRestart(String topic, int total, int keys, Received received)
            throws Exception {
        EventBus pub = openBus();
        List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            futures.add(pub.publish(event(topic, "k" + (i % keys), i)).toCompletableFuture());
            if (i == total / 3) {
                Received.await(timeout(), "events flow before the restart", () -> received.total() > 0);
                restartBroker();
            }
            if (i % 100 == 0) {
                Thread.sleep(5);   // a steady stream, not one burst, so the restart lands mid-stream
            }
        }
        List<String> acknowledged = acknowledgedIds(futures);
        if (acknowledged.size() <= total / 2) {
            throw new AssertionError("most publishes should succeed across a restart; acknowledged "
                    + acknowledged.size() + " of " + total);
        }
        System.out.printf("[tck] broker restart: %d published, %d acknowledged, %d failed%n", total,
                acknowledged.size(), total - acknowledged.size());
        return acknowledged;
    }

    /** The ids of the publishes among {@code futures} that were acknowledged; failed ones are left out. */
    protected final List<String> acknowledgedIds(List<CompletableFuture<PublishReceipt>> futures)
            throws InterruptedException, TimeoutException {
        List<String> acknowledged = new ArrayList<>();
        for (CompletableFuture<PublishReceipt> f : futures) {
            try {
                acknowledged.add(f.get(timeout().toMillis(), TimeUnit.MILLISECONDS).eventId());
            } catch (ExecutionException failed) {
                // failing is allowed here; only acknowledged publishes must be delivered
            }
        }
        return acknowledged;
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

    /**
     * Waits until {@code count} has not changed, and {@code busy} has been false, for {@code quiet}: for example until
     * handlers stop starting after a pause, or deliveries stop arriving. Polls on this thread; on {@link #timeout()}
     * fails saying {@code what}.
     */
    protected final void awaitSettled(String what, IntSupplier count, BooleanSupplier busy, Duration quiet) {
        int[] last = {-1};
        long[] since = {System.nanoTime()};
        Received.await(timeout(), what, () -> {
            int now = count.getAsInt();
            if (now != last[0] || busy.getAsBoolean()) {
                last[0] = now;
                since[0] = System.nanoTime();
                return false;
            }
            return System.nanoTime() - since[0] > quiet.toNanos();
        });
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
