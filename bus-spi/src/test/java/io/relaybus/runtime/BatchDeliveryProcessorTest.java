package io.relaybus.runtime;

import io.relaybus.api.BatchFailedException;
import io.relaybus.api.BatchHandler;
import io.relaybus.api.BusException;
import io.relaybus.api.BusFatalException;
import io.relaybus.api.Event;
import io.relaybus.api.RetryPolicy;
import io.relaybus.api.interceptor.EventInterceptor;
import io.relaybus.api.interceptor.HandlingContext;
import io.relaybus.api.interceptor.HandlingOutcome;
import io.relaybus.spi.Delivery;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("BatchDeliveryProcessor: acknowledge a batch, retry from the named event, dead-letter it alone")
class BatchDeliveryProcessorTest {

    private final BusMetrics metrics = new BusMetrics();
    private final List<Event> deadLetters = new CopyOnWriteArrayList<>();
    private final List<BusException> failures = new CopyOnWriteArrayList<>();
    private final SubscriptionHealth health = new SubscriptionHealth("orders[bulk]", failures::add);
    private final Function<Event, CompletableFuture<?>> storing = letter -> {
        deadLetters.add(letter);
        return CompletableFuture.completedFuture(null);
    };
    /** Every interceptor hook called, as "hook id [outcome]". */
    private final List<String> hooks = new CopyOnWriteArrayList<>();
    private InterceptorChain.Handling interceptors;

    /** Every handler call, as the ids it received. */
    private final List<List<String>> calls = new CopyOnWriteArrayList<>();

    private void run(List<FakeDelivery> batch, RetryPolicy retry, Function<Event, CompletableFuture<?>> publisher,
                     BatchHandler handler) {
        new BatchDeliveryProcessor("orders[bulk]", events -> {
            calls.add(events.stream().map(Event::id).toList());
            handler.handle(events);
        }, retry, "orders.dlq", publisher, metrics, health, () -> false, interceptors).accept(
                new ArrayList<Delivery>(batch));
    }

    private static List<FakeDelivery> batch(int n) {
        List<FakeDelivery> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new FakeDelivery(Event.builder("orders").id("e" + i).key("k").payload("p" + i).build(), 1, false));
        }
        return out;
    }

    private static List<List<String>> settles(List<FakeDelivery> batch) {
        return batch.stream().map(d -> List.copyOf(d.settles())).toList();
    }

    @Test
    @DisplayName("returning acknowledges every event, once, after the handler returned; metrics count the batch")
    void successAcksAll() {
        List<FakeDelivery> b = batch(3);
        run(b, RetryPolicy.DEFAULT, storing, events -> assertTrue(b.stream().allMatch(d -> d.settles().isEmpty())));
        assertEquals(List.of(List.of("ack"), List.of("ack"), List.of("ack")), settles(b));
        assertEquals(List.of(List.of("e0", "e1", "e2")), calls);
        assertEquals(1, metrics.snapshot().batches().count());
        assertEquals(3, metrics.snapshot().batches().maxSize());
        assertEquals(3, metrics.snapshot().handled());
        assertEquals(3, metrics.snapshot().consumed());
    }

    @Test
    @DisplayName("a named failure acknowledges the events before it and retries it and the ones after")
    void namedFailureRetriesFromIt() {
        List<FakeDelivery> b = batch(4);
        int[] n = {0};
        run(b, RetryPolicy.fixed(3, Duration.ofMillis(1)), storing, events -> {
            if (n[0]++ == 0) {
                throw new BatchFailedException(2, new IllegalStateException("row 2 rejected"));
            }
        });
        assertEquals(List.of(List.of("e0", "e1", "e2", "e3"), List.of("e2", "e3")), calls);
        assertEquals(List.of(List.of("ack"), List.of("ack"), List.of("ack"), List.of("ack")), settles(b));
        assertEquals(List.of(), deadLetters);
    }

    @Test
    @DisplayName("a named event that uses up its attempts is dead-lettered alone; the rest carry on")
    void namedEventDeadLetteredAlone() {
        List<FakeDelivery> b = batch(4);
        run(b, RetryPolicy.fixed(2, Duration.ofMillis(1)), storing, events -> {
            for (int i = 0; i < events.size(); i++) {
                if (events.get(i).id().equals("e1")) {
                    throw new BatchFailedException(events.get(i), new IllegalStateException("bad row"));
                }
            }
        });
        assertEquals(List.of(List.of("e0", "e1", "e2", "e3"), List.of("e1", "e2", "e3"), List.of("e2", "e3")), calls);
        assertEquals(List.of(List.of("ack"), List.of("deadLettered"), List.of("ack"), List.of("ack")), settles(b));
        assertEquals(1, deadLetters.size());
        assertEquals("e1", deadLetters.get(0).headers().get("relaybus.dlq.original.id"));
        assertEquals("java.lang.IllegalStateException", deadLetters.get(0).headers().get("relaybus.dlq.error.class"));
    }

    @Test
    @DisplayName("an unnamed failure retries the whole batch, then finds the failing event one at a time")
    void unnamedFailureFallsBackToOneByOne() {
        List<FakeDelivery> b = batch(3);
        run(b, RetryPolicy.fixed(2, Duration.ofMillis(1)), storing, events -> {
            if (events.stream().anyMatch(e -> e.id().equals("e1"))) {
                throw new IllegalStateException("something in there is bad");
            }
        });
        assertEquals(List.of(List.of("e0", "e1", "e2"), List.of("e0", "e1", "e2"), List.of("e0"), List.of("e1"),
                List.of("e1"), List.of("e2")), calls);
        assertEquals(List.of(List.of("ack"), List.of("deadLettered"), List.of("ack")), settles(b));
        assertEquals(1, deadLetters.size());
    }

    @Test
    @DisplayName("a dead letter that can never be stored stops the subscription; the rest stay unsettled")
    void fatalDeadLetterStopsTheRest() {
        List<FakeDelivery> b = batch(3);
        run(b, RetryPolicy.none(), letter -> CompletableFuture.failedFuture(new BusFatalException("too large")),
                events -> {
                    throw new BatchFailedException(1, new IllegalStateException("bad"));
                });
        assertEquals(List.of(List.of("ack"), List.of(), List.of()), settles(b));
        assertEquals(1, failures.size());
    }

    @Test
    @DisplayName("a stray interrupt in the handler is cleared and the batch settled by the rules")
    void strayInterrupt() {
        List<FakeDelivery> b = batch(2);
        run(b, RetryPolicy.DEFAULT, storing, events -> Thread.currentThread().interrupt());
        assertEquals(List.of(List.of("ack"), List.of("ack")), settles(b));
        assertTrue(!Thread.interrupted());
    }

    @Test
    @DisplayName("interceptors see one attempt per event, closed in reverse order with each event's outcome")
    void interceptorsSeeEachEvent() {
        interceptors = InterceptorChain.of("memory", List.of(new EventInterceptor() {
            @Override
            public void beforeHandle(HandlingContext c) {
                hooks.add("before " + c.event().id());
            }

            @Override
            public void afterHandle(HandlingContext c) {
                hooks.add("after " + c.event().id());
            }

            @Override
            public void handleFailed(HandlingContext c, Throwable error, HandlingOutcome outcome) {
                hooks.add("failed " + c.event().id() + " " + outcome);
            }
        })).forSubscription("orders[bulk]", "bulk");
        List<FakeDelivery> b = batch(3);
        run(b, RetryPolicy.fixed(2, Duration.ofMillis(1)), storing, events -> {
            if (events.get(0).id().equals("e0")) {
                throw new BatchFailedException(1, new IllegalStateException("row 1"));
            }
            if (events.get(0).id().equals("e1")) {
                throw new BatchFailedException(0, new IllegalStateException("row 1 again"));
            }
        });
        assertEquals(List.of(
                "before e0", "before e1", "before e2", "failed e2 RETRY", "failed e1 RETRY", "after e0",
                "before e1", "before e2", "failed e2 RETRY", "failed e1 DEAD_LETTER",
                "before e2", "after e2"), hooks);
        assertEquals(List.of(List.of("ack"), List.of("deadLettered"), List.of("ack")), settles(b));
    }
}
