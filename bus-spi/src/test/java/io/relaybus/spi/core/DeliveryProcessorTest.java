package io.relaybus.spi.core;

import io.relaybus.api.Event;
import io.relaybus.api.EventHandler;
import io.relaybus.api.MetricsSnapshot;
import io.relaybus.api.RetryPolicy;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("DeliveryProcessor: acknowledge after success, retry, redeliver, dead letter")
class DeliveryProcessorTest {

    private static final long WAIT_SECONDS = 10;

    private final Event event = Event.builder("orders").id("e-1").key("order-42").header("trace", "t-1")
            .payload("{\"total\":3}").timestamp(Instant.parse("2026-01-02T03:04:05Z")).build();
    private final BusMetrics metrics = new BusMetrics();
    private final List<Event> deadLetters = new CopyOnWriteArrayList<>();

    /** A dead-letter publisher that stores every letter and succeeds at once. */
    private final Function<Event, CompletableFuture<?>> storing = letter -> {
        deadLetters.add(letter);
        return CompletableFuture.completedFuture(null);
    };

    private DeliveryProcessor processor(EventHandler handler, RetryPolicy retry, boolean keepOrder,
                                        Function<Event, CompletableFuture<?>> publisher) {
        return new DeliveryProcessor("orders[billing]", handler, retry, keepOrder, "orders.dlq", publisher, metrics);
    }

    private static EventHandler failing(AtomicInteger calls) {
        return e -> {
            calls.incrementAndGet();
            throw new IllegalStateException("card declined");
        };
    }

    @Test
    @DisplayName("a handler that returns acknowledges, and only after it returned")
    void ackAfterSuccess() {
        FakeDelivery d = new FakeDelivery(event, 1, false);
        List<List<String>> settlesSeenByHandler = new ArrayList<>();
        processor(e -> settlesSeenByHandler.add(List.copyOf(d.settles)), RetryPolicy.DEFAULT, true, storing).accept(d);
        assertEquals(List.of(List.of()), settlesSeenByHandler, "settled before the handler ran");
        assertEquals(List.of("ack"), d.settles);
        MetricsSnapshot m = metrics.snapshot();
        assertEquals(1, m.consumed());
        assertEquals(1, m.handled());
        assertEquals(0, m.handlerFailures());
    }

    @Test
    @DisplayName("failures are retried in place, maxAttempts calls in all, at least the backoff apart")
    void inPlaceRetriesWithBackoff() {
        List<Long> callTimes = new CopyOnWriteArrayList<>();
        List<String> callThreads = new CopyOnWriteArrayList<>();
        FakeDelivery d = new FakeDelivery(event, 1, true);   // can redeliver, but order is required: in place
        RetryPolicy retry = RetryPolicy.exponential(4, Duration.ofMillis(20), Duration.ofMillis(50), 2.0);
        processor(e -> {
            callTimes.add(System.nanoTime());
            callThreads.add(Thread.currentThread().getName());
            if (callTimes.size() < 4) {
                throw new IllegalStateException("try " + callTimes.size());
            }
        }, retry, true, storing).accept(d);

        assertEquals(4, callTimes.size());
        assertEquals(List.of("ack"), d.settles);
        assertEquals(List.of(Thread.currentThread().getName()), callThreads.stream().distinct().toList());
        // Lower bounds only: a sleep never ends early. Backoffs: 20 ms, 40 ms, then capped at 50 ms.
        List<Duration> backoffs = List.of(Duration.ofMillis(20), Duration.ofMillis(40), Duration.ofMillis(50));
        for (int i = 0; i < 3; i++) {
            long gap = callTimes.get(i + 1) - callTimes.get(i);
            assertTrue(gap >= backoffs.get(i).toNanos(), "gap before retry " + (i + 1) + " was " + gap + " ns");
        }
        MetricsSnapshot m = metrics.snapshot();
        assertEquals(1, m.consumed());
        assertEquals(3, m.handlerFailures());
        assertEquals(3, m.retried());
        assertEquals(1, m.handled());
        assertEquals(List.of(), deadLetters);
    }

    @Test
    @DisplayName("without order and with a broker that can redeliver, the event is handed back with the backoff")
    void redeliverWhenOrderNotRequired() {
        AtomicInteger calls = new AtomicInteger();
        RetryPolicy retry = RetryPolicy.exponential(5, Duration.ofMillis(100), Duration.ofSeconds(5), 3.0);
        FakeDelivery first = new FakeDelivery(event, 1, true);
        processor(failing(calls), retry, false, storing).accept(first);
        assertEquals(1, calls.get(), "retried in place instead of redelivering");
        assertEquals(List.of("redeliver PT0.1S"), first.settles);

        FakeDelivery third = new FakeDelivery(event, 3, true);   // the broker's third delivery: backoff after 3
        processor(failing(calls), retry, false, storing).accept(third);
        assertEquals(List.of("redeliver PT0.9S"), third.settles);
        assertEquals(2, metrics.snapshot().retried());
        assertEquals(List.of(), deadLetters);
    }

    @Test
    @DisplayName("a broker that cannot redeliver gets in-place retries even without order")
    void inPlaceWhenCannotRedeliver() {
        AtomicInteger calls = new AtomicInteger();
        FakeDelivery d = new FakeDelivery(event, 1, false);
        processor(failing(calls), RetryPolicy.fixed(2, Duration.ofMillis(1)), false, storing).accept(d);
        assertEquals(2, calls.get());
        assertEquals(List.of("deadLettered"), d.settles);
    }

    @Test
    @DisplayName("the last redelivered attempt goes to the dead-letter topic instead of another redelivery")
    void lastAttemptFromBrokerDeadLetters() {
        AtomicInteger calls = new AtomicInteger();
        FakeDelivery d = new FakeDelivery(event, 3, true);
        processor(failing(calls), RetryPolicy.fixed(3, Duration.ofMillis(1)), false, storing).accept(d);
        assertEquals(1, calls.get());
        assertEquals(List.of("deadLettered"), d.settles);
        assertEquals("3", deadLetters.get(0).headers().get(DeliveryProcessor.DLQ_ATTEMPTS));
    }

    @Test
    @DisplayName("the dead letter keeps the event, adds relaybus.dlq.* headers, and is stored before deadLettered()")
    void deadLetterStoredBeforeSettling() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        FakeDelivery d = new FakeDelivery(event, 1, false);
        List<String> order = new CopyOnWriteArrayList<>();
        CountDownLatch published = new CountDownLatch(1);
        // The broker accepts the letter a moment later, on another thread.
        Function<Event, CompletableFuture<?>> slowBroker = letter -> {
            order.add("publish");
            deadLetters.add(letter);
            return CompletableFuture.runAsync(() -> {
                awaitQuietly(published);
                order.add("accepted");
            });
        };
        Thread worker = new Thread(() -> processor(failing(calls), RetryPolicy.fixed(3, Duration.ofMillis(1)), true,
                slowBroker).accept(d));
        worker.start();
        waitUntil(() -> !deadLetters.isEmpty(), "the dead letter was published");
        assertEquals(List.of(), d.settles, "settled before the dead letter was accepted");
        published.countDown();
        worker.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertFalse(worker.isAlive());
        assertEquals(List.of("deadLettered"), d.settles);
        assertEquals(List.of("publish", "accepted"), order);

        Event letter = deadLetters.get(0);
        assertEquals("orders.dlq", letter.topic());
        assertEquals(event.id(), letter.id());
        assertEquals(event.key(), letter.key());
        assertEquals(event.payloadAsString(), letter.payloadAsString());
        assertEquals(event.timestamp(), letter.timestamp());
        Map<String, String> headers = new LinkedHashMap<>(letter.headers());
        Instant failedAt = Instant.parse(headers.remove(DeliveryProcessor.DLQ_FAILED_AT));
        assertTrue(!failedAt.isAfter(Instant.now()));
        assertEquals(Map.of(
                "trace", "t-1",
                "relaybus.dlq.original.topic", "orders",
                "relaybus.dlq.error.class", "java.lang.IllegalStateException",
                "relaybus.dlq.error.message", "card declined",
                "relaybus.dlq.attempts", "3",
                "relaybus.dlq.subscription", "orders[billing]"), headers);
        MetricsSnapshot m = metrics.snapshot();
        assertEquals(1, m.deadLettered());
        assertEquals(3, m.handlerFailures());
        assertEquals(2, m.retried());
        assertEquals(0, m.handled());
    }

    @Test
    @DisplayName("a dead letter that cannot be stored is published again; the delivery is settled only once stored")
    void failedDeadLetterRetried() {
        AtomicInteger attempts = new AtomicInteger();
        List<String> settlesAtPublish = new CopyOnWriteArrayList<>();
        FakeDelivery d = new FakeDelivery(event, 1, false);
        Function<Event, CompletableFuture<?>> flakyBroker = letter -> {
            settlesAtPublish.add(String.valueOf(d.settles));
            if (attempts.incrementAndGet() < 3) {
                return CompletableFuture.failedFuture(new IllegalStateException("dead-letter topic unavailable"));
            }
            deadLetters.add(letter);
            return CompletableFuture.completedFuture(null);
        };
        processor(failing(new AtomicInteger()), RetryPolicy.none(), true, flakyBroker).accept(d);
        assertEquals(3, attempts.get());
        assertEquals(List.of("[]", "[]", "[]"), settlesAtPublish);
        assertEquals(List.of("deadLettered"), d.settles);
        assertEquals(1, deadLetters.size());
        assertEquals(1, metrics.snapshot().deadLettered());
    }

    @Test
    @DisplayName("a dead letter that can never be stored leaves the delivery unsettled until the worker is stopped")
    void deadLetterNeverStoredLeavesUnsettled() throws InterruptedException {
        AtomicInteger attempts = new AtomicInteger();
        FakeDelivery d = new FakeDelivery(event, 1, false);
        Function<Event, CompletableFuture<?>> deadBroker = letter -> {
            attempts.incrementAndGet();
            return CompletableFuture.failedFuture(new IllegalStateException("dead-letter topic unavailable"));
        };
        Thread worker = new Thread(() -> processor(failing(new AtomicInteger()), RetryPolicy.none(), true, deadBroker)
                .accept(d));
        worker.start();
        waitUntil(() -> attempts.get() >= 2, "the dead letter was published again");
        worker.interrupt();   // as the dispatcher does when a drain times out
        worker.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertFalse(worker.isAlive());
        assertEquals(List.of(), d.settles);
        assertEquals(0, metrics.snapshot().deadLettered());
    }

    @Test
    @DisplayName("an interrupted handler leaves the delivery unsettled: the broker delivers it again")
    void interruptedHandlerLeavesUnsettled() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        FakeDelivery d = new FakeDelivery(event, 1, true);
        Thread worker = new Thread(() -> processor(e -> {
            started.countDown();
            new CountDownLatch(1).await();   // blocks until interrupted
        }, RetryPolicy.DEFAULT, false, storing).accept(d));
        worker.start();
        assertTrue(started.await(WAIT_SECONDS, TimeUnit.SECONDS));
        worker.interrupt();
        worker.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertFalse(worker.isAlive());
        assertEquals(List.of(), d.settles);
        assertEquals(List.of(), deadLetters);
        assertEquals(0, metrics.snapshot().retried());
    }

    @Test
    @DisplayName("an interrupt during the backoff leaves the delivery unsettled too")
    void interruptDuringBackoffLeavesUnsettled() throws InterruptedException {
        AtomicInteger calls = new AtomicInteger();
        FakeDelivery d = new FakeDelivery(event, 1, false);
        Thread worker = new Thread(() -> processor(failing(calls), RetryPolicy.fixed(3, Duration.ofHours(1)), true,
                storing).accept(d));
        worker.start();
        waitUntil(() -> metrics.snapshot().retried() == 1, "the first retry was scheduled");
        worker.interrupt();
        worker.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertFalse(worker.isAlive());
        assertEquals(1, calls.get());
        assertEquals(List.of(), d.settles);
        assertEquals(List.of(), deadLetters);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void waitUntil(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.onSpinWait();
        }
    }
}
