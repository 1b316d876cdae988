package io.relaybus.runtime;

import io.relaybus.api.BusException;
import io.relaybus.api.BusFatalException;
import io.relaybus.api.BusHealth;
import io.relaybus.api.Event;
import io.relaybus.api.PublishReceipt;
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
import java.util.concurrent.atomic.AtomicBoolean;
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

    /** Set by a test before it interrupts a worker "as the dispatcher does when a drain times out". */
    private final AtomicBoolean abandoned = new AtomicBoolean();
    private final List<BusException> failures = new CopyOnWriteArrayList<>();
    private final SubscriptionHealth health = new SubscriptionHealth("orders[billing]", failures::add);

    private DeliveryProcessor processor(EventHandler handler, RetryPolicy retry, boolean keepOrder,
                                        Function<Event, CompletableFuture<?>> publisher) {
        return new DeliveryProcessor("orders[billing]", handler, retry, keepOrder, "orders.dlq", publisher, metrics,
                health, abandoned::get);
    }

    /** The consumer-side counters of a metrics snapshot, compared whole so that a failure shows every one. */
    private record Counts(long consumed, long handled, long handlerFailures, long retried, long deadLettered) {
    }

    private Counts counts() {
        MetricsSnapshot m = metrics.snapshot();
        return new Counts(m.consumed(), m.handled(), m.handlerFailures(), m.retried(), m.deadLettered());
    }

    private static EventHandler failing(AtomicInteger calls) {
        return e -> {
            calls.incrementAndGet();
            throw new IllegalStateException("card declined");
        };
    }

    /**
     * Stops {@code worker} as the dispatcher does when a drain times out: marks the work abandoned, interrupts the
     * worker and asserts that it ends.
     */
    private void stop(Thread worker) throws InterruptedException {
        abandoned.set(true);
        worker.interrupt();
        worker.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertFalse(worker.isAlive());
    }

    @Test
    @DisplayName("a handler that returns acknowledges, and only after it returned")
    void ackAfterSuccess() {
        FakeDelivery d = new FakeDelivery(event, 1, false);
        List<List<String>> settlesSeenByHandler = new ArrayList<>();
        processor(e -> settlesSeenByHandler.add(List.copyOf(d.settles())), RetryPolicy.DEFAULT, true, storing).accept(d);
        assertEquals(List.of(List.of()), settlesSeenByHandler, "settled before the handler ran");
        assertEquals(List.of("ack"), d.settles());
        assertEquals(new Counts(1, 1, 0, 0, 0), counts());
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
        assertEquals(List.of("ack"), d.settles());
        assertEquals(List.of(Thread.currentThread().getName()), callThreads.stream().distinct().toList());
        // Lower bounds only: a sleep never ends early. Backoffs: 20 ms, 40 ms, then capped at 50 ms.
        List<Duration> backoffs = List.of(Duration.ofMillis(20), Duration.ofMillis(40), Duration.ofMillis(50));
        for (int i = 0; i < 3; i++) {
            long gap = callTimes.get(i + 1) - callTimes.get(i);
            assertTrue(gap >= backoffs.get(i).toNanos(), "gap before retry " + (i + 1) + " was " + gap + " ns");
        }
        assertEquals(new Counts(1, 1, 3, 3, 0), counts());
        assertEquals(List.of(), deadLetters);
    }

    @Test
    @DisplayName("without order and with a broker that can redeliver, the event is handed back with the backoff")
    void redeliverWhenOrderNotRequired() {
        AtomicInteger calls = new AtomicInteger();
        RetryPolicy retry = RetryPolicy.exponential(5, Duration.ofMillis(100), Duration.ofSeconds(5), 3.0);
        DeliveryProcessor processor = processor(failing(calls), retry, false, storing);
        FakeDelivery first = new FakeDelivery(event, 1, true);
        processor.accept(first);
        assertEquals(1, calls.get(), "retried in place instead of redelivering");
        assertEquals(List.of("redeliver PT0.1S"), first.settles());

        processor.accept(new FakeDelivery(event, 2, true));
        FakeDelivery third = new FakeDelivery(event, 3, true);   // the third failure: backoff after 3
        processor.accept(third);
        assertEquals(List.of("redeliver PT0.9S"), third.settles());
        assertEquals(3, metrics.snapshot().retried());
        assertEquals(List.of(), deadLetters);
    }

    @Test
    @DisplayName("a broker that cannot redeliver gets in-place retries even without order")
    void inPlaceWhenCannotRedeliver() {
        AtomicInteger calls = new AtomicInteger();
        FakeDelivery d = new FakeDelivery(event, 1, false);
        processor(failing(calls), RetryPolicy.fixed(2, Duration.ofMillis(1)), false, storing).accept(d);
        assertEquals(2, calls.get());
        assertEquals(List.of("deadLettered"), d.settles());
    }

    @Test
    @DisplayName("the last redelivered attempt goes to the dead-letter topic instead of another redelivery")
    void lastAttemptFromBrokerDeadLetters() {
        AtomicInteger calls = new AtomicInteger();
        DeliveryProcessor processor = processor(failing(calls), RetryPolicy.fixed(3, Duration.ofMillis(1)), false,
                storing);
        processor.accept(new FakeDelivery(event, 1, true));
        processor.accept(new FakeDelivery(event, 2, true));
        FakeDelivery d = new FakeDelivery(event, 3, true);
        processor.accept(d);
        assertEquals(3, calls.get());
        assertEquals(List.of("deadLettered"), d.settles());
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
        assertEquals(List.of(), d.settles(), "settled before the dead letter was accepted");
        published.countDown();
        worker.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertFalse(worker.isAlive());
        assertEquals(List.of("deadLettered"), d.settles());
        assertEquals(List.of("publish", "accepted"), order);

        Event letter = deadLetters.get(0);
        assertEquals("orders.dlq", letter.topic());
        assertTrue(!event.id().equals(letter.id()), "the dead letter reuses the original id, which JetStream "
                + "de-duplicates when both share a stream");
        assertEquals(DeliveryProcessor.deadLetterId("orders[billing]", event.id()), letter.id(), "not deterministic");
        assertEquals(event.key(), letter.key());
        assertEquals(event.payloadAsString(), letter.payloadAsString());
        assertEquals(event.timestamp(), letter.timestamp());
        Map<String, String> headers = new LinkedHashMap<>(letter.headers());
        Instant failedAt = Instant.parse(headers.remove(DeliveryProcessor.DLQ_FAILED_AT));
        assertTrue(!failedAt.isAfter(Instant.now()));
        assertEquals(Map.of(
                "trace", "t-1",
                "relaybus.dlq.original.topic", "orders",
                "relaybus.dlq.original.id", "e-1",
                "relaybus.dlq.error.class", "java.lang.IllegalStateException",
                "relaybus.dlq.error.message", "card declined",
                "relaybus.dlq.attempts", "3",
                "relaybus.dlq.subscription", "orders[billing]"), headers);
        assertEquals(new Counts(1, 0, 3, 2, 1), counts());
    }

    @Test
    @DisplayName("a dead letter that cannot be stored is published again; the delivery is settled only once stored")
    void failedDeadLetterRetried() {
        AtomicInteger attempts = new AtomicInteger();
        List<String> settlesAtPublish = new CopyOnWriteArrayList<>();
        FakeDelivery d = new FakeDelivery(event, 1, false);
        Function<Event, CompletableFuture<?>> flakyBroker = letter -> {
            settlesAtPublish.add(String.valueOf(d.settles()));
            if (attempts.incrementAndGet() < 3) {
                return CompletableFuture.failedFuture(new IllegalStateException("dead-letter topic unavailable"));
            }
            deadLetters.add(letter);
            return CompletableFuture.completedFuture(null);
        };
        processor(failing(new AtomicInteger()), RetryPolicy.none(), true, flakyBroker).accept(d);
        assertEquals(3, attempts.get());
        assertEquals(List.of("[]", "[]", "[]"), settlesAtPublish);
        assertEquals(List.of("deadLettered"), d.settles());
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
        assertEquals(BusHealth.Status.DEGRADED, health.health().status(), health.health().toString());
        stop(worker);
        assertEquals(List.of(), d.settles());
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
        stop(worker);
        assertEquals(List.of(), d.settles());
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
        stop(worker);
        assertEquals(1, calls.get());
        assertEquals(List.of(), d.settles());
        assertEquals(List.of(), deadLetters);
    }

    @Test
    @DisplayName("a duplicate receipt for another event id is not proof that the dead letter was stored")
    void duplicateOfAnotherEventIsNotStored() {
        AtomicInteger publishes = new AtomicInteger();
        FakeDelivery d = new FakeDelivery(event, 1, false);
        Function<Event, CompletableFuture<?>> dedupingBroker = letter -> {
            if (publishes.incrementAndGet() == 1) {   // as JetStream answered when the letter reused the original id
                return CompletableFuture.completedFuture(new PublishReceipt(event.id(), "orders", "S#1", true));
            }
            deadLetters.add(letter);
            return CompletableFuture.completedFuture(new PublishReceipt(letter.id(), "orders.dlq", "S#2", false));
        };
        processor(failing(new AtomicInteger()), RetryPolicy.none(), true, dedupingBroker).accept(d);
        assertEquals(2, publishes.get(), "the duplicate receipt was taken as stored");
        assertEquals(1, deadLetters.size());
        assertEquals(List.of("deadLettered"), d.settles());
    }

    @Test
    @DisplayName("a duplicate receipt for the dead letter's own id (stored before a crash) counts as stored")
    void duplicateOfTheSameDeadLetterIsStored() {
        FakeDelivery d = new FakeDelivery(event, 1, false);
        Function<Event, CompletableFuture<?>> broker = letter -> CompletableFuture.completedFuture(
                new PublishReceipt(letter.id(), "orders.dlq", "S#2", true));
        processor(failing(new AtomicInteger()), RetryPolicy.none(), true, broker).accept(d);
        assertEquals(List.of("deadLettered"), d.settles());
    }

    @Test
    @DisplayName("a dead letter the broker can never store fails the subscription and leaves the event unsettled")
    void fatalDeadLetterFailsTheSubscription() {
        AtomicInteger publishes = new AtomicInteger();
        FakeDelivery d = new FakeDelivery(event, 1, false);
        Function<Event, CompletableFuture<?>> refusing = letter -> {
            publishes.incrementAndGet();
            return CompletableFuture.failedFuture(new BusFatalException("RecordTooLargeException: too large"));
        };
        DeliveryProcessor processor = processor(failing(new AtomicInteger()), RetryPolicy.none(), true, refusing);
        processor.accept(d);
        assertEquals(1, publishes.get(), "a fatal failure was retried");
        assertEquals(List.of(), d.settles(), "settled without a stored dead letter");
        assertEquals(1, failures.size());
        assertTrue(failures.get(0).getMessage().contains("orders[billing]"), failures.get(0).getMessage());
        assertTrue(failures.get(0).getMessage().contains("orders.dlq"), failures.get(0).getMessage());
        assertEquals(BusHealth.Status.DOWN, health.health().status());

        AtomicInteger later = new AtomicInteger();
        FakeDelivery next = new FakeDelivery(Event.of("orders", "order-42", "next"), 1, false);
        processor(e -> later.incrementAndGet(), RetryPolicy.none(), true, storing).accept(next);
        assertEquals(0, later.get(), "an event after the failed one was handled: per-key order broken on redelivery");
        assertEquals(List.of(), next.settles());
    }

    @Test
    @DisplayName("a stray interrupt left by a handler is cleared and the event settled by the normal rules")
    void strayInterruptIsCleared() {
        FakeDelivery ok = new FakeDelivery(event, 1, false);
        processor(e -> Thread.currentThread().interrupt(), RetryPolicy.DEFAULT, true, storing).accept(ok);
        assertEquals(List.of("ack"), ok.settles());
        assertFalse(Thread.currentThread().isInterrupted(), "the flag was left for the worker's next take()");

        AtomicInteger calls = new AtomicInteger();
        FakeDelivery retried = new FakeDelivery(event, 1, false);
        processor(e -> {
            if (calls.incrementAndGet() == 1) {
                Thread.currentThread().interrupt();   // a watchdog interrupting a slow handler
                throw new InterruptedException("watchdog");
            }
        }, RetryPolicy.fixed(3, Duration.ofMillis(1)), true, storing).accept(retried);
        assertEquals(2, calls.get(), "the interrupted attempt was not retried");
        assertEquals(List.of("ack"), retried.settles());
        assertFalse(Thread.interrupted());
    }

    @Test
    @DisplayName("a hand-back (delivered again without a handler failure) does not use up the retry budget")
    void handBacksDoNotCountAsAttempts() {
        AtomicInteger calls = new AtomicInteger();
        // The broker's 5th delivery (4 earlier ones were handed back by closing subscriptions), first real failure.
        FakeDelivery d = new FakeDelivery(event, 5, true);
        processor(e -> {
            calls.incrementAndGet();
            throw new IllegalStateException("first failure");
        }, RetryPolicy.fixed(2, Duration.ofMillis(1)), false, storing).accept(d);
        assertEquals(List.of("redeliver PT0.001S"), d.settles(), "dead-lettered on its first real failure");
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
