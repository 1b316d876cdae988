package io.relaybus.memory;

import io.relaybus.api.BusConfigException;
import io.relaybus.api.BusFatalException;
import io.relaybus.api.BusHealth;
import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.MetricsSnapshot;
import io.relaybus.api.RetryPolicy;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.relaybus.memory.MemoryBuses.WAIT_SECONDS;
import static io.relaybus.memory.MemoryBuses.publish;
import static io.relaybus.memory.MemoryBuses.subscribe;
import static io.relaybus.memory.MemoryBuses.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a user of the bus sees over the in-memory transport. */
@DisplayName("EventBus over the memory transport")
class MemoryBusTest {

    /** How long an event that must not arrive is waited for; only a bug can make a test fail within it. */
    private static final long ABSENCE_MILLIS = 300;

    @RegisterExtension
    final MemoryBuses buses = new MemoryBuses("memory-bus-test-");

    private static Event event(String topic, String id) {
        return Event.builder(topic).id(id).key("k").payload(id).build();
    }

    @Test
    @DisplayName("publish and subscribe after close fail with BusFatalException saying the bus is closed")
    void publishAfterCloseFails() {
        EventBus bus = buses.open();
        bus.close();
        CompletionException e = assertThrows(CompletionException.class,
                () -> bus.publish(event("orders", "e1")).toCompletableFuture().join());
        BusFatalException fatal = assertInstanceOf(BusFatalException.class, e.getCause());
        assertEquals("The event bus (memory) is closed", fatal.getMessage());

        CompletionException all = assertThrows(CompletionException.class,
                () -> bus.publishAll(List.of(event("orders", "e2"))).toCompletableFuture().join());
        assertInstanceOf(BusFatalException.class, all.getCause());

        BusFatalException sub = assertThrows(BusFatalException.class, () -> bus.subscribe("orders", ev -> { }));
        assertEquals("The event bus (memory) is closed", sub.getMessage());
        assertEquals(0, bus.metrics().published(), "a refused publish was counted");
    }

    @Test
    @DisplayName("Subscription.close waits for the running handler, and its event is acknowledged, not redelivered")
    void closeWaitsForInFlightHandlerAndAcks() throws Exception {
        EventBus bus = buses.open();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        SubscribeOptions options = SubscribeOptions.builder("orders").group("billing").build();
        Subscription first = subscribe(bus, options, e -> {
            started.countDown();
            release.await();
            finished.set(true);
        });
        publish(bus, event("orders", "e1"));
        assertTrue(started.await(WAIT_SECONDS, TimeUnit.SECONDS));

        AtomicBoolean finishedWhenCloseReturned = new AtomicBoolean();
        CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> {
            first.close();
            finishedWhenCloseReturned.set(finished.get());
        });
        assertThrows(TimeoutException.class, () -> closing.get(ABSENCE_MILLIS, TimeUnit.MILLISECONDS),
                "close returned while the handler was still running");
        release.countDown();
        closing.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertTrue(finishedWhenCloseReturned.get());

        BlockingQueue<String> second = new LinkedBlockingQueue<>();
        subscribe(bus, options, e -> second.add(e.id()));
        publish(bus, event("orders", "e2"));
        // A redelivery of e1 would come before e2.
        assertEquals("e2", second.poll(WAIT_SECONDS, TimeUnit.SECONDS));
        assertNull(second.poll());
        waitUntil(() -> bus.metrics().handled() == 2, "both handlers returned");
    }

    @Test
    @DisplayName("a handler still running when the close timeout passes is interrupted, and its event redelivered")
    void closeTimeoutLeavesEventForNextMember() throws Exception {
        EventBus bus = buses.open("bus.close.timeout.ms", "100");
        CountDownLatch started = new CountDownLatch(1);
        SubscribeOptions options = SubscribeOptions.builder("orders").group("billing").build();
        Subscription first = subscribe(bus, options, e -> {
            started.countDown();
            new CountDownLatch(1).await();   // stuck until interrupted
        });
        publish(bus, event("orders", "e1"));
        assertTrue(started.await(WAIT_SECONDS, TimeUnit.SECONDS));
        first.close();

        BlockingQueue<String> second = new LinkedBlockingQueue<>();
        subscribe(bus, options, e -> second.add(e.id()));
        assertEquals("e1", second.poll(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    @DisplayName("pause stops deliveries; resume continues them")
    void pauseAndResume() throws Exception {
        EventBus bus = buses.open();
        BlockingQueue<String> paused = new LinkedBlockingQueue<>();
        BlockingQueue<String> witness = new LinkedBlockingQueue<>();
        Subscription s = subscribe(bus, SubscribeOptions.builder("orders").group("a").build(), e -> paused.add(e.id()));
        subscribe(bus, SubscribeOptions.builder("orders").group("w").build(), e -> witness.add(e.id()));
        publish(bus, event("orders", "e0"));
        assertEquals("e0", paused.poll(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals("e0", witness.poll(WAIT_SECONDS, TimeUnit.SECONDS));

        s.pause();
        assertTrue(s.isPaused());
        publish(bus, event("orders", "e1"));
        publish(bus, event("orders", "e2"));
        // The other group gets them, so they were there to be taken.
        assertEquals("e1", witness.poll(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals("e2", witness.poll(WAIT_SECONDS, TimeUnit.SECONDS));
        assertNull(paused.poll(ABSENCE_MILLIS, TimeUnit.MILLISECONDS), "delivered while paused");

        s.resume();
        assertFalse(s.isPaused());
        assertEquals("e1", paused.poll(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals("e2", paused.poll(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    @DisplayName("the metrics snapshot counts published, acknowledged, handled, retried and dead-lettered events")
    void metricsSnapshot() throws Exception {
        EventBus bus = buses.open();
        AtomicInteger flakyCalls = new AtomicInteger();
        subscribe(bus, SubscribeOptions.builder("orders").group("m").retry(RetryPolicy.fixed(2, Duration.ofMillis(1)))
                .build(), e -> {
                    if (e.id().equals("bad") || (e.id().equals("flaky") && flakyCalls.incrementAndGet() == 1)) {
                        throw new IllegalStateException("failed " + e.id());
                    }
                });
        publish(bus, event("orders", "ok"));
        publish(bus, event("orders", "flaky"));
        publish(bus, event("orders", "bad"));
        waitUntil(() -> bus.metrics().deadLettered() == 1 && bus.metrics().handled() == 2, "all three were settled");

        MetricsSnapshot m = bus.metrics();
        assertEquals(4, m.published(), "three events and one dead letter");
        assertEquals(4, m.acknowledged());
        assertEquals(0, m.publishFailed());
        assertEquals(3, m.consumed());
        assertEquals(2, m.handled());
        assertEquals(3, m.handlerFailures(), "flaky once, bad twice");
        assertEquals(2, m.retried());
        assertEquals(1, m.deadLettered());
        assertEquals(4, m.publishLatency().count());
        assertEquals(2, m.endToEndLatency().count());
    }

    @Test
    @DisplayName("an event whose retries are used up arrives on <topic>.dlq with the relaybus.dlq.* headers")
    void deadLetterArrivesOnDlqTopic() throws Exception {
        EventBus bus = buses.open();
        BlockingQueue<Event> letters = new LinkedBlockingQueue<>();
        subscribe(bus, SubscribeOptions.builder("orders.dlq").group("ops").build(), letters::add);
        subscribe(bus, SubscribeOptions.builder("orders").group("billing").retry(RetryPolicy.none()).build(), e -> {
            throw new IllegalArgumentException("no such customer");
        });
        Event original = Event.builder("orders").id("e1").key("c-7").header("trace", "t").payload("x").build();
        publish(bus, original);
        Event letter = letters.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals("e1", letter.headers().get("relaybus.dlq.original.id"));
        assertFalse(letter.id().equals("e1"), "a dead letter needs an id of its own");
        assertEquals("c-7", letter.keyOrNull());
        assertEquals("t", letter.headers().get("trace"));
        assertEquals("orders", letter.headers().get("relaybus.dlq.original.topic"));
        assertEquals("java.lang.IllegalArgumentException", letter.headers().get("relaybus.dlq.error.class"));
        assertEquals("no such customer", letter.headers().get("relaybus.dlq.error.message"));
        assertEquals("1", letter.headers().get("relaybus.dlq.attempts"));
        assertEquals("orders[billing]", letter.headers().get("relaybus.dlq.subscription"));
    }

    @Test
    @DisplayName("opening reports every invalid bus.* and memory.* value at once")
    void openReportsEveryProblem() {
        BusConfigException e = assertThrows(BusConfigException.class,
                () -> EventBus.builder().transport("memory").property("bus.dispatch.queue.capacity", "0")
                        .property("memory.broker", buses.broker()).property("memory.fetch.max.events", "lots")
                        .property("memory.retention", "10").property("kafka.linger.ms", "ignored").build());
        assertEquals("3 configuration problems:"
                + "\n  - Invalid value 0 for configuration bus.dispatch.queue.capacity: must be between 1 and 1000000"
                + "\n  - Invalid value [hidden] for configuration memory.retention: unknown key in the memory.* "
                + "namespace; known keys: memory.broker, memory.retention.events, memory.retention.bytes, "
                + "memory.max.block.ms, memory.fetch.max.events, memory.max.event.bytes"
                + "\n  - Invalid value lots for configuration memory.fetch.max.events: expected a whole number (32-bit)",
                e.getMessage());
    }

    @Test
    @DisplayName("health is UP while open and DOWN once closed")
    void health() {
        EventBus bus = buses.open();
        assertEquals(BusHealth.up("in-memory broker '" + buses.broker() + "'"), bus.health());
        bus.close();
        assertEquals(BusHealth.down("closed"), bus.health());
    }

    @Test
    @DisplayName("a handler closing its own subscription: close returns at once, the event is acknowledged")
    void closeFromOwnHandler() throws Exception {
        EventBus bus = buses.open("bus.close.timeout.ms", "60000");
        SubscribeOptions options = SubscribeOptions.builder("orders").group("billing").build();
        CompletableFuture<Subscription> self = new CompletableFuture<>();
        CountDownLatch closeReturned = new CountDownLatch(1);
        Subscription first = subscribe(bus, options, e -> {
            self.join().close();   // waited the whole close timeout for itself before the fix
            closeReturned.countDown();
        });
        self.complete(first);
        publish(bus, event("orders", "e1"));
        assertTrue(closeReturned.await(WAIT_SECONDS, TimeUnit.SECONDS), "close() from the handler did not return");
        first.completion().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(BusHealth.Status.UP, bus.health().status(), bus.health().detail());

        BlockingQueue<String> second = new LinkedBlockingQueue<>();
        subscribe(bus, options, e -> second.add(e.id()));
        publish(bus, event("orders", "e2"));
        assertEquals("e2", second.poll(WAIT_SECONDS, TimeUnit.SECONDS), "e1 was not acknowledged");
    }

    @Test
    @DisplayName("a handler that leaves its thread interrupted does not kill the worker: later events are handled")
    void strayInterruptKeepsWorkerAlive() throws Exception {
        EventBus bus = buses.open();
        List<String> handled = new java.util.concurrent.CopyOnWriteArrayList<>();
        Subscription sub = subscribe(bus, SubscribeOptions.builder("orders").group("billing").build(), e -> {
            handled.add(e.id());
            if (e.id().equals("e0")) {
                Thread.currentThread().interrupt();   // a watchdog's interrupt, or a handler restoring the flag
            }
        });
        for (int i = 0; i < 20; i++) {
            publish(bus, event("orders", "e" + i));
        }
        waitUntil(() -> handled.size() == 20, "every event was handled (handled: " + handled + ")");
        CompletableFuture<Void> closing = CompletableFuture.runAsync(sub::close);
        closing.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(20, bus.metrics().handled());
    }

    @Test
    @DisplayName("a dead letter over the broker's size limit stops the subscription visibly and keeps the event")
    void unstorableDeadLetterStopsSubscription() throws Exception {
        EventBus bus = buses.open("memory.max.event.bytes", "400");
        SubscribeOptions options = SubscribeOptions.builder("orders").group("billing").retry(RetryPolicy.none())
                .build();
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        Subscription sub = subscribe(bus, options, e -> {
            seen.add(e.id());
            throw new IllegalStateException("x".repeat(300));   // the error header pushes the dead letter over
        });
        publish(bus, Event.builder("orders").id("big").key("k").payload("p".repeat(100)).build());
        publish(bus, Event.builder("orders").id("after").key("k").payload("p").build());

        CompletionException stopped = assertThrows(CompletionException.class,
                () -> sub.completion().toCompletableFuture().orTimeout(WAIT_SECONDS, TimeUnit.SECONDS).join());
        BusFatalException cause = assertInstanceOf(BusFatalException.class, stopped.getCause());
        assertTrue(cause.getMessage().contains("orders[billing]") && cause.getMessage().contains("orders.dlq")
                && cause.getMessage().contains("memory.max.event.bytes"), cause.getMessage());
        assertEquals(BusHealth.Status.DOWN, sub.health().status());
        BusHealth health = bus.health();
        assertEquals(BusHealth.Status.DOWN, health.status());
        assertTrue(health.detail().contains("orders[billing]"), health.detail());
        assertEquals(List.of("big"), seen, "an event after the failed one was handled");
        assertEquals(0, bus.metrics().deadLettered());

        sub.close();
        assertEquals(BusHealth.Status.UP, bus.health().status(), "closing the failed subscription clears it");
        BlockingQueue<String> next = new LinkedBlockingQueue<>();
        subscribe(bus, options, e -> next.add(e.id()));
        assertEquals("big", next.poll(WAIT_SECONDS, TimeUnit.SECONDS), "the event was acknowledged without a dead letter");
        assertEquals("after", next.poll(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    @DisplayName("the size limit counts key and header values in UTF-8 bytes, and exact bytes as they are")
    void sizeLimitCountsBytes() {
        // 100 payload + key "\u20ac\u20ac" (6 bytes) + header "h" (1) + "\u00e9" x 10 (20 bytes) + "r" (1) + 3 raw = 131
        EventBus bus = buses.open("memory.max.event.bytes", "131");
        Event.Builder fits = Event.builder("orders").key("\u20ac\u20ac").payload(new byte[100])
                .header("h", "\u00e9".repeat(10)).header("r", new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF});
        publish(bus, fits.build());
        CompletionException over = assertThrows(CompletionException.class, () -> publish(bus,
                fits.header("h", "\u00e9".repeat(10) + "x").build()));
        assertInstanceOf(BusFatalException.class, over.getCause());
        assertTrue(over.getCause().getMessage().contains("is 132 bytes, over memory.max.event.bytes=131"),
                over.getCause().getMessage());
        assertEquals(1, bus.metrics().acknowledged());
        assertEquals(1, bus.metrics().publishFailed());
    }

    @Test
    @DisplayName("an invalid dead-letter topic fails at subscribe, naming the option, the value and the rule")
    void invalidDeadLetterTopicAtSubscribe() {
        EventBus bus = buses.open();
        BusConfigException e = assertThrows(BusConfigException.class, () -> bus.subscribe(
                SubscribeOptions.builder("orders").deadLetterTopic("orders dead letters").build(), ev -> { }));
        assertEquals("SubscribeOptions.deadLetterTopic", e.problems().get(0).key());
        assertEquals("orders dead letters", e.problems().get(0).value());
        assertTrue(e.getMessage().contains("whitespace"), e.getMessage());
    }

    @Test
    @DisplayName("binary key and header bytes reach the handler and the dead letter unchanged")
    void binaryBytesRoundTrip() throws Exception {
        EventBus bus = buses.open();
        byte[] key = {(byte) 0xff, (byte) 0xfe, 0, 1, (byte) 0xc3};
        byte[] header = {(byte) 0x80, 'a', '\n', 0};
        BlockingQueue<Event> letters = new LinkedBlockingQueue<>();
        subscribe(bus, SubscribeOptions.builder("orders.dlq").build(), letters::add);
        BlockingQueue<Event> seen = new LinkedBlockingQueue<>();
        subscribe(bus, SubscribeOptions.builder("orders").retry(RetryPolicy.none()).build(), e -> {
            seen.add(e);
            throw new IllegalStateException("fail");
        });
        publish(bus, Event.builder("orders").key(key).header("bin", header).payload("p").build());
        Event handled = seen.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertTrue(java.util.Arrays.equals(key, handled.keyBytes()));
        assertTrue(java.util.Arrays.equals(header, handled.headerBytes("bin")));
        Event letter = letters.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertTrue(java.util.Arrays.equals(key, letter.keyBytes()), "dead letter key changed");
        assertTrue(java.util.Arrays.equals(header, letter.headerBytes("bin")), "dead letter header changed");
        assertEquals(handled.id(), letter.headers().get("relaybus.dlq.original.id"));
    }

    @Test
    @DisplayName("a handler closing its own subscription while the application closes the bus: both return, nothing is lost")
    void handlerCloseRacesBusClose() throws Exception {
        for (int round = 0; round < 20; round++) {
            EventBus bus = buses.open("bus.close.timeout.ms", "5000");
            SubscribeOptions options = SubscribeOptions.builder("orders").group("billing").build();
            CompletableFuture<Subscription> self = new CompletableFuture<>();
            CountDownLatch inHandler = new CountDownLatch(1);
            Subscription sub = subscribe(bus, options, e -> {
                inHandler.countDown();
                self.join().close();
            });
            self.complete(sub);
            publish(bus, event("orders", "r" + round));
            assertTrue(inHandler.await(WAIT_SECONDS, TimeUnit.SECONDS), "the handler never ran");
            CompletableFuture.runAsync(bus::close).get(WAIT_SECONDS, TimeUnit.SECONDS);
            sub.completion().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        // every handler returned normally, so every event is acknowledged: a new member receives none of them
        EventBus next = buses.open();
        BlockingQueue<String> redelivered = new LinkedBlockingQueue<>();
        subscribe(next, SubscribeOptions.builder("orders").group("billing").build(), e -> redelivered.add(e.id()));
        publish(next, event("orders", "marker"));
        assertEquals("marker", redelivered.poll(WAIT_SECONDS, TimeUnit.SECONDS),
                "an event whose handler succeeded was redelivered: " + redelivered);
    }

    @Test
    @DisplayName("a fatal dead-letter failure while other workers are mid-handler: their outcomes are kept, nothing is lost")
    void fatalDeadLetterWhileOthersHandle() throws Exception {
        EventBus bus = buses.open("memory.max.event.bytes", "400");
        SubscribeOptions options = SubscribeOptions.builder("orders").group("billing").concurrency(4)
                .orderedByKey(false).retry(RetryPolicy.none()).build();
        CountDownLatch othersInside = new CountDownLatch(3);
        CountDownLatch release = new CountDownLatch(1);
        List<String> succeeded = new java.util.concurrent.CopyOnWriteArrayList<>();
        Subscription sub = subscribe(bus, options, e -> {
            if (e.id().equals("big")) {
                throw new IllegalStateException("x".repeat(300));   // its dead letter exceeds the broker's limit
            }
            othersInside.countDown();
            assertTrue(release.await(WAIT_SECONDS, TimeUnit.SECONDS));
            succeeded.add(e.id());
        });
        for (int i = 0; i < 3; i++) {
            publish(bus, Event.builder("orders").id("ok" + i).key("k" + i).payload("p").build());
        }
        assertTrue(othersInside.await(WAIT_SECONDS, TimeUnit.SECONDS), "three handlers are in flight");
        publish(bus, Event.builder("orders").id("big").key("kb").payload("p".repeat(100)).build());
        waitUntil(() -> sub.health().status() == BusHealth.Status.DOWN, "the subscription reported the failure");
        release.countDown();   // the stop waits for the handlers in flight; their outcomes still count
        CompletionException stopped = assertThrows(CompletionException.class,
                () -> sub.completion().toCompletableFuture().orTimeout(WAIT_SECONDS, TimeUnit.SECONDS).join());
        assertInstanceOf(BusFatalException.class, stopped.getCause());
        sub.close();

        EventBus next = buses.open();
        List<String> second = new java.util.concurrent.CopyOnWriteArrayList<>();
        subscribe(next, SubscribeOptions.builder("orders").group("billing").build(), e -> second.add(e.id()));
        publish(next, event("orders", "marker"));
        waitUntil(() -> second.contains("marker"), "the marker arrived");
        assertTrue(second.contains("big"), "the event whose dead letter failed was lost: " + second);
        for (int i = 0; i < 3; i++) {
            String id = "ok" + i;
            assertTrue(succeeded.contains(id) || second.contains(id),
                    id + " was neither handled to success nor redelivered (first: " + succeeded + ", second: " + second + ")");
        }
    }
}
