package io.relaybus.tck;

import io.relaybus.api.BatchFailedException;
import io.relaybus.api.BatchHandler;
import io.relaybus.api.BatchOptions;
import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.RetryPolicy;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Batch handling ({@link EventBus#subscribeBatch}) on the transport under test: the runtime forms batches from what
 * the transport delivers, so every transport gets it without code of its own, and these tests show the guarantees
 * survive the transport's acknowledgement model (Kafka commits and JetStream acks over the handled prefix).
 * Composed into {@link TransportCompatibilityKit} as its "Batches" contract (tag {@code tck-batches}).
 */
@DisplayName("Batches")
@Tag("tck-batches")
public abstract class BatchContract extends KitContract {

    private Subscription subscribeBatchReady(EventBus bus, SubscribeOptions options, BatchOptions batching,
                                             BatchHandler handler) {
        Subscription s = bus.subscribeBatch(options, batching, handler);
        s.ready().toCompletableFuture().orTimeout(timeout().toMillis(), TimeUnit.MILLISECONDS).join();
        return s;
    }

    /** Subscribes (waiting until ready) a batch handler that records every event into the returned {@link Received}. */
    private Received receivingBatches(EventBus bus, SubscribeOptions options, BatchOptions batching) {
        Received received = new Received();
        subscribeBatchReady(bus, options, batching, events -> events.forEach(received::add));
        return received;
    }

    private static int seq(Event e) {
        return Integer.parseInt(e.headers().get("seq"));
    }

    /** Publishes {@code n} events over {@code keys} keys, in order, and waits for every acknowledgement; their ids. */
    private List<String> publishAll(EventBus bus, String topic, int n, int keys) {
        return publishAcknowledged(bus, IntStream.range(0, n).mapToObj(i -> event(topic, "k" + (i % keys), i))
                .toList());
    }

    @Test
    @DisplayName("round trip: every event arrives in batches no larger than maxEvents, ids and keys intact")
    void roundTrip() {
        EventBus bus = openBus();
        String topic = uniqueName("tck-batch");
        Received received = new Received();
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        subscribeBatchReady(bus, SubscribeOptions.builder(topic).group(uniqueName("g"))
                .startFrom(startForNewGroups()).build(), BatchOptions.of(50).withMaxWait(Duration.ofMillis(20)),
                events -> {
                    sizes.add(events.size());
                    events.forEach(received::add);
                });
        List<String> ids = publishAll(bus, topic, 500, 10);
        Received.await(timeout(), "every event arrived in a batch", () -> received.containsAll(ids));
        assertTrue(sizes.stream().allMatch(s -> s >= 1 && s <= 50), "batch sizes out of bounds: " + sizes);
        assertTrue(received.events().stream().allMatch(e -> e.keyOrNull() != null && e.keyOrNull().startsWith("k")));
        assertEquals(500, received.unique());
        assertTrue(bus.metrics().batches().count() > 0, "the metrics snapshot counts no batches");
    }

    @Test
    @DisplayName("per-key order holds inside and across batches with concurrency 4")
    void perKeyOrderWithConcurrency() {
        assumeTrue(features().perKeyOrder(), "transport declares no per-key order");
        EventBus bus = openBus();
        String topic = uniqueName("tck-batch-order");
        Map<String, List<Integer>> byKey = new ConcurrentHashMap<>();
        Map<String, String> keyToThread = new ConcurrentHashMap<>();
        List<String> violations = new CopyOnWriteArrayList<>();
        AtomicInteger handled = new AtomicInteger();
        subscribeBatchReady(bus, SubscribeOptions.builder(topic).group(uniqueName("g"))
                .concurrency(4).startFrom(startForNewGroups()).build(),
                BatchOptions.of(32).withMaxWait(Duration.ofMillis(5)),
                events -> {
                    for (Event e : events) {
                        String previous = keyToThread.putIfAbsent(e.keyOrNull(), Thread.currentThread().getName());
                        if (previous != null && !previous.equals(Thread.currentThread().getName())) {
                            violations.add(e.keyOrNull() + " handled on two workers");
                        }
                        byKey.computeIfAbsent(e.keyOrNull(), k -> new CopyOnWriteArrayList<>()).add(seq(e));
                    }
                    handled.addAndGet(events.size());
                });
        publishAll(bus, topic, 1000, 16);
        Received.await(timeout(), "all 1000 events were handled", () -> handled.get() >= 1000);
        for (Map.Entry<String, List<Integer>> e : byKey.entrySet()) {
            List<Integer> seqs = e.getValue();
            for (int i = 1; i < seqs.size(); i++) {
                if (seqs.get(i) < seqs.get(i - 1)) {
                    violations.add(e.getKey() + ": " + seqs.get(i - 1) + " before " + seqs.get(i));
                    break;
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    @DisplayName("a failure naming an event acknowledges the ones before it; it and the rest are handled again")
    void partialFailureWithNamedEvent() {
        assumeTrue(features().atLeastOnce(), "transport declares at-most-once delivery");
        EventBus bus = openBus();
        String topic = uniqueName("tck-batch-partial");
        String group = uniqueName("g");
        Received succeeded = new Received();
        AtomicBoolean failedOnce = new AtomicBoolean();
        List<String> attemptsOfPoison = new CopyOnWriteArrayList<>();
        Subscription s = subscribeBatchReady(bus, SubscribeOptions.builder(topic).group(group)
                .startFrom(startForNewGroups())
                .retry(RetryPolicy.fixed(3, Duration.ofMillis(20))).build(),
                BatchOptions.of(20).withMaxWait(Duration.ofMillis(50)), events -> {
                    for (int i = 0; i < events.size(); i++) {
                        Event e = events.get(i);
                        if (seq(e) == 7) {
                            attemptsOfPoison.add(e.id());
                            if (failedOnce.compareAndSet(false, true)) {
                                throw new BatchFailedException(i, new IllegalStateException("row 7 rejected once"));
                            }
                        }
                        succeeded.add(e);
                    }
                });
        List<String> ids = publishAll(bus, topic, 40, 1);
        Received.await(timeout(), "every event was handled successfully", () -> succeeded.containsAll(ids));
        assertEquals(2, attemptsOfPoison.size(), "the named event was not handled exactly twice");
        assertEquals(0, bus.metrics().deadLettered());
        s.close();
        if (features().persistence() && features().consumerGroups()) {
            // Everything was acknowledged: a new member of the group gets nothing from before.
            Received again = new Received();
            subscribeBatchReady(openBus(), SubscribeOptions.builder(topic).group(group).build(),
                    BatchOptions.of(20), events -> events.forEach(again::add));
            String marker = bus.publish(event(topic, "k0", 1000)).toCompletableFuture().join().eventId();
            Received.await(timeout(), "the marker arrived", () -> again.ids().contains(marker));
            assertEquals(List.of(marker), again.events().stream().map(Event::id).toList(),
                    "events handled in batches were delivered again: their acknowledgements were lost");
        }
    }

    @Test
    @DisplayName("the event that keeps failing goes alone to the dead-letter topic; the rest of its batch carries on")
    void deadLetterOfOneEvent() {
        assumeTrue(features().atLeastOnce(), "transport declares at-most-once delivery");
        EventBus bus = openBus();
        String topic = uniqueName("tck-batch-dlq");
        SubscribeOptions options = SubscribeOptions.builder(topic).group(uniqueName("g"))
                .startFrom(startForNewGroups()).retry(RetryPolicy.fixed(2, Duration.ofMillis(10))).build();
        Received letters = new Received();
        subscribeReady(bus, SubscribeOptions.builder(options.deadLetterTopic()).startFrom(startForNewGroups()).build(),
                letters::add);
        Received succeeded = new Received();
        subscribeBatchReady(bus, options, BatchOptions.of(20).withMaxWait(Duration.ofMillis(50)), events -> {
            for (Event e : events) {
                if (seq(e) == 5) {
                    throw new BatchFailedException(e, new IllegalArgumentException("poison"));
                }
                succeeded.add(e);
            }
        });
        List<String> ids = publishAll(bus, topic, 30, 3);
        String poison = ids.get(5);
        List<String> good = new ArrayList<>(ids);
        good.remove(poison);
        Received.await(timeout(), "every other event was handled", () -> succeeded.containsAll(good));
        Received.await(timeout(), "the poison event reached the dead-letter topic", () -> letters.total() >= 1);
        Event letter = letters.events().get(0);
        assertEquals(poison, letter.headers().get("relaybus.dlq.original.id"));
        assertEquals(IllegalArgumentException.class.getName(), letter.headers().get("relaybus.dlq.error.class"));
        assertTrue(letters.events().stream().allMatch(e -> poison.equals(e.headers().get("relaybus.dlq.original.id"))),
                "events other than the failing one were dead-lettered");
    }

    @Test
    @DisplayName("closing a batch subscription under load: what the next member gets covers everything not handled")
    void closeUnderLoad() throws Exception {
        assumeTrue(features().atLeastOnce() && features().consumerGroups()
                && features().persistence(), "needs at-least-once, persistent consumer groups");
        String topic = uniqueName("tck-batch-close");
        String group = uniqueName("g");
        Received handled = new Received();
        EventBus first = openBus(Map.of("bus.close.timeout.ms", "5000"));
        Subscription s = subscribeBatchReady(first, SubscribeOptions.builder(topic).group(group).concurrency(2)
                .startFrom(startForNewGroups()).build(), BatchOptions.of(25).withMaxWait(Duration.ofMillis(10)),
                events -> {
                    Thread.sleep(5);
                    events.forEach(handled::add);
                });
        EventBus pub = openBus();
        List<String> ids = publishAll(pub, topic, 1000, 8);
        Received.await(timeout(), "handling is under way", () -> handled.total() > 50);
        s.close();
        subscribeBatchReady(openBus(), SubscribeOptions.builder(topic).group(group).build(),
                BatchOptions.of(25), events -> events.forEach(handled::add));
        Received.await(timeout(), "every event was handled by one member or the other",
                () -> handled.containsAll(ids));
    }

    @Test
    @DisplayName("broker restarted mid-stream under a batch handler: zero acknowledged events lost")
    void brokerRestart() throws Exception {
        assumeTrue(features().brokerRestart(), "fixture declares no broker restart");
        String topic = uniqueName("tck-batch-restart");
        Received received = receivingBatches(openBus(), SubscribeOptions.builder(topic)
                .group(uniqueName("g")).concurrency(2).startFrom(startForNewGroups()).build(),
                BatchOptions.of(50).withMaxWait(Duration.ofMillis(10)));
        List<String> acknowledged = publishAcrossRestart(topic, 2000, 8, received);
        Received.await(timeout().multipliedBy(2), "every acknowledged event reached the batch handler",
                () -> received.containsAll(acknowledged));
    }
}
