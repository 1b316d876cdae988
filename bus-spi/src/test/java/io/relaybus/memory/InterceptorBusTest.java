package io.relaybus.memory;

import io.relaybus.api.BusFatalException;
import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.EventHandler;
import io.relaybus.api.PublishReceipt;
import io.relaybus.api.RetryPolicy;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;
import io.relaybus.api.interceptor.EventInterceptor;
import io.relaybus.api.interceptor.HandlingContext;
import io.relaybus.api.interceptor.HandlingOutcome;
import io.relaybus.api.interceptor.PublishContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

import static io.relaybus.memory.MemoryBuses.WAIT_SECONDS;
import static io.relaybus.memory.MemoryBuses.publish;
import static io.relaybus.memory.MemoryBuses.subscribe;
import static io.relaybus.memory.MemoryBuses.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Interceptors as an application sees them, over the memory transport: the hooks around publishing and handling
 * (retries and dead letters included), headers they add reaching the subscriber, their order, and that an
 * interceptor that throws never costs an event.
 */
@DisplayName("Interceptors over the memory transport")
class InterceptorBusTest {

    @RegisterExtension
    final MemoryBuses buses = new MemoryBuses("interceptor-bus-test-");
    private final List<String> calls = new CopyOnWriteArrayList<>();

    /** The recorded calls of one hook kind ({@code ":beforePublish:"}, ...) or of one event, in order. */
    private List<String> callsContaining(String... parts) {
        List<String> out = new ArrayList<>();
        for (String c : calls) {
            for (String p : parts) {
                if (c.contains(p)) {
                    out.add(c);
                    break;
                }
            }
        }
        return out;
    }

    /** Adds a header in beforePublish and records like {@link RecordingInterceptor}. */
    private static final class HeaderAdding extends RecordingInterceptor {
        private final String header;
        final List<Map<String, String>> headersSeen = new CopyOnWriteArrayList<>();

        HeaderAdding(String name, String header, List<String> calls) {
            super(name, calls);
            this.header = header;
        }

        @Override
        public void beforePublish(PublishContext context) {
            headersSeen.add(context.event().headers());
            context.header(header, "from-" + header);
            super.beforePublish(context);
        }
    }

    @Test
    @DisplayName("beforePublish hooks run in registration order and add headers the subscriber receives; after-hooks "
            + "run in reverse with the receipt, before the publish completes")
    void publishHooksAddHeadersInOrder() throws Exception {
        HeaderAdding a = new HeaderAdding("A", "x-a", calls);
        HeaderAdding b = new HeaderAdding("B", "x-b", calls);
        EventBus bus = buses.open(List.of(a, b));
        BlockingQueue<Event> received = new LinkedBlockingQueue<>();
        subscribe(bus, SubscribeOptions.builder("orders").group("g").build(), received::add);

        PublishReceipt receipt = publish(bus, Event.builder("orders").id("e1").header("tenant", "acme").payload("p")
                .build());

        assertEquals("e1", receipt.eventId());
        assertEquals(List.of("A:beforePublish:orders:e1", "B:beforePublish:orders:e1", "B:afterPublish:orders:e1",
                "A:afterPublish:orders:e1"), callsContaining(":beforePublish:", ":afterPublish:"));
        assertEquals(Map.of("tenant", "acme", "x-a", "from-x-a"), b.headersSeen.get(0),
                "B did not see the header A added before it");
        Event got = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(Map.of("tenant", "acme", "x-a", "from-x-a", "x-b", "from-x-b"), got.headers());
        assertEquals("p", got.payloadAsString());
        assertEquals(List.of(), a.violations);
    }

    @Test
    @DisplayName("publishAll passes each event through the hooks")
    void publishAllGoesThroughTheHooks() throws Exception {
        HeaderAdding a = new HeaderAdding("A", "x-a", calls);
        EventBus bus = buses.open(List.of(a));
        BlockingQueue<Event> received = new LinkedBlockingQueue<>();
        subscribe(bus, SubscribeOptions.builder("orders").group("g").build(), received::add);

        bus.publishAll(List.of(Event.builder("orders").id("e1").build(), Event.builder("orders").id("e2").build()))
                .toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertEquals(List.of("A:beforePublish:orders:e1", "A:beforePublish:orders:e2", "A:afterPublish:orders:e1",
                "A:afterPublish:orders:e2"), callsContaining(":beforePublish:", ":afterPublish:"));
        assertEquals("from-x-a", received.poll(WAIT_SECONDS, TimeUnit.SECONDS).headers().get("x-a"));
        assertEquals("from-x-a", received.poll(WAIT_SECONDS, TimeUnit.SECONDS).headers().get("x-a"));
    }

    @Test
    @DisplayName("a publish the broker refuses reaches publishFailed with the error the application sees")
    void refusedPublishReachesPublishFailed() {
        RecordingInterceptor a = new RecordingInterceptor("A", calls);
        EventBus bus = buses.open(List.of(a), "memory.max.event.bytes", "100");

        CompletionException e = assertThrows(CompletionException.class, () -> publish(bus,
                Event.builder("orders").id("big").payload(new byte[1000]).build()));

        assertInstanceOf(BusFatalException.class, e.getCause());
        assertEquals(List.of("A:beforePublish:orders:big", "A:publishFailed:orders:BusFatalException"),
                callsContaining(":beforePublish:", ":afterPublish:", ":publishFailed:"));
    }

    /** A handler that throws {@code IllegalStateException(message(call))} on its first {@code failures} calls. */
    private static EventHandler failingFirst(int failures, IntFunction<String> message) {
        AtomicInteger calls = new AtomicInteger();
        return e -> {
            int call = calls.incrementAndGet();
            if (call <= failures) {
                throw new IllegalStateException(message.apply(call));
            }
        };
    }

    @Test
    @DisplayName("in-place retries: each attempt is seen, failures with outcome RETRY, then afterHandle")
    void inPlaceRetriesAreSeenPerAttempt() throws Exception {
        RecordingInterceptor a = new RecordingInterceptor("A", calls);
        EventBus bus = buses.open(List.of(a));
        subscribe(bus, SubscribeOptions.builder("orders").group("g").retry(RetryPolicy.fixed(3, Duration.ofMillis(1)))
                .build(), failingFirst(2, attempt -> "boom-" + attempt));

        publish(bus, Event.builder("orders").id("e1").key("k").build());
        waitUntil(() -> calls.contains("A:afterHandle:orders:e1#3"), "the third attempt succeeded");

        assertEquals(List.of("A:beforeHandle:orders:e1#1", "A:handleFailed:orders:e1#1:RETRY:boom-1",
                "A:beforeHandle:orders:e1#2", "A:handleFailed:orders:e1#2:RETRY:boom-2", "A:beforeHandle:orders:e1#3",
                "A:afterHandle:orders:e1#3"), callsContaining(":beforeHandle:", ":afterHandle:", ":handleFailed:"));
        assertEquals(List.of(), a.violations);
    }

    @Test
    @DisplayName("broker redelivery (unordered): the attempt number carries over to the redelivered event")
    void redeliveredRetriesCountAttempts() throws Exception {
        RecordingInterceptor a = new RecordingInterceptor("A", calls);
        EventBus bus = buses.open(List.of(a));
        subscribe(bus, SubscribeOptions.builder("orders").group("g").orderedByKey(false)
                .retry(RetryPolicy.fixed(3, Duration.ofMillis(1))).build(), failingFirst(1, attempt -> "boom"));

        publish(bus, Event.builder("orders").id("e1").build());
        waitUntil(() -> calls.contains("A:afterHandle:orders:e1#2"), "the second attempt succeeded");

        assertEquals(List.of("A:beforeHandle:orders:e1#1", "A:handleFailed:orders:e1#1:RETRY:boom",
                "A:beforeHandle:orders:e1#2", "A:afterHandle:orders:e1#2"), callsContaining(":beforeHandle:", ":afterHandle:", ":handleFailed:"));
    }

    @Test
    @DisplayName("dead letter: published through the hooks on the worker between the last failure and "
            + "handleFailed(DEAD_LETTER), and it carries the headers interceptors add")
    void deadLetterGoesThroughTheHooks() throws Exception {
        HeaderAdding a = new HeaderAdding("A", "x-a", calls);
        EventBus bus = buses.open(List.of(a));
        BlockingQueue<Event> dead = new LinkedBlockingQueue<>();
        subscribe(bus, SubscribeOptions.builder("orders.dlq").group("ops").build(), dead::add);
        subscribe(bus, SubscribeOptions.builder("orders").group("g").retry(RetryPolicy.fixed(2, Duration.ofMillis(1)))
                .deadLetterTopic("orders.dlq").build(), e -> {
                    throw new IllegalStateException("poison");
                });

        publish(bus, Event.builder("orders").id("e1").key("k").build());
        Event letter = dead.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        waitUntil(() -> calls.contains("A:handleFailed:orders:e1#2:DEAD_LETTER:poison"), "the outcome was reported");

        String id = letter.id();
        assertEquals(List.of("A:beforeHandle:orders:e1#1", "A:handleFailed:orders:e1#1:RETRY:poison",
                "A:beforeHandle:orders:e1#2", "A:beforePublish:orders.dlq:" + id, "A:afterPublish:orders.dlq:" + id,
                "A:handleFailed:orders:e1#2:DEAD_LETTER:poison"),
                callsContaining(":beforeHandle:orders:", ":afterHandle:orders:", ":handleFailed:orders:", "Publish:orders.dlq:"));
        assertEquals("from-x-a", letter.headers().get("x-a"));
        assertEquals("e1", letter.headers().get("relaybus.dlq.original.id"));
        assertEquals(List.of(), a.violations);
    }

    /** Throws from every hook, as a buggy interceptor would. */
    private static final class Throwing implements EventInterceptor {
        final AtomicInteger thrown = new AtomicInteger();

        private void fail() {
            thrown.incrementAndGet();
            throw new IllegalStateException("interceptor bug");
        }

        @Override public void busOpened(EventBus bus) { fail(); }
        @Override public void subscribed(Subscription subscription) { fail(); }
        @Override public void unsubscribed(Subscription subscription) { fail(); }
        @Override public void busClosed(EventBus bus) { fail(); }
        @Override public void beforePublish(PublishContext context) { fail(); }
        @Override public void afterPublish(PublishContext context, PublishReceipt receipt) { fail(); }
        @Override public void publishFailed(PublishContext context, Throwable error) { fail(); }
        @Override public void beforeHandle(HandlingContext context) { fail(); }
        @Override public void afterHandle(HandlingContext context) { fail(); }
        @Override public void handleFailed(HandlingContext context, Throwable error, HandlingOutcome o) { fail(); }
    }

    @Test
    @DisplayName("an interceptor that throws from every hook loses no event, handles none twice, and the next "
            + "interceptor still runs")
    void throwingInterceptorCostsNothing() throws Exception {
        Throwing bad = new Throwing();
        RecordingInterceptor good = new RecordingInterceptor("B", calls);
        EventBus bus = buses.open(List.of(bad, good));
        List<String> handled = new CopyOnWriteArrayList<>();
        Subscription s = subscribe(bus, SubscribeOptions.builder("orders").group("g").build(), e -> handled.add(e.id()));
        for (int i = 1; i <= 3; i++) {
            assertEquals("e" + i, publish(bus, Event.builder("orders").id("e" + i).build()).eventId());
        }
        waitUntil(() -> callsContaining(":afterHandle:").size() == 3, "three events handled");
        s.close();
        bus.close();

        assertEquals(List.of("e1", "e2", "e3"), handled);
        assertEquals(3, bus.metrics().handled());
        assertEquals(0, bus.metrics().handlerFailures());
        assertEquals(3, bus.metrics().acknowledged());
        assertEquals(List.of("B:busOpened:-:memory", "B:subscribed:orders:g", "B:unsubscribed:orders:g",
                "B:busClosed:-:memory"), callsContaining(":bus", ":subscribed:", ":unsubscribed:"));
        assertEquals(3 * 4 + 4, bad.thrown.get(), "every hook of the bad interceptor was called");

        // Nothing was left unacknowledged: a new member of the group gets nothing old.
        EventBus second = buses.open(List.of());
        BlockingQueue<String> again = new LinkedBlockingQueue<>();
        subscribe(second, SubscribeOptions.builder("orders").group("g").build(), e -> again.add(e.id()));
        publish(second, Event.builder("orders").id("e4").build());
        assertEquals("e4", again.poll(WAIT_SECONDS, TimeUnit.SECONDS));
        assertNull(again.poll());
    }

    @Test
    @DisplayName("subscribed/unsubscribed hand over the subscription: queuedEvents and lag show a stalled handler's "
            + "backlog, and drop to zero once it catches up")
    void subscriptionBacklogIsVisible() throws Exception {
        AtomicReference<Subscription> seen = new AtomicReference<>();
        EventInterceptor watcher = new EventInterceptor() {
            @Override
            public void subscribed(Subscription subscription) {
                seen.set(subscription);
            }
        };
        EventBus bus = buses.open(List.of(watcher), "bus.dispatch.queue.capacity", "2");
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger handled = new AtomicInteger();
        Subscription s = subscribe(bus, SubscribeOptions.builder("orders").group("g").concurrency(1).build(), e -> {
            release.await();
            handled.incrementAndGet();
        });
        assertEquals(s, seen.get());

        for (int i = 0; i < 10; i++) {
            publish(bus, Event.builder("orders").id("e" + i).build());
        }
        // One running and two queued; the intake may hold one more it could not hand over.
        waitUntil(() -> s.queuedEvents() == 3, "the dispatcher filled up");
        long lag = s.lag().orElseThrow();
        assertTrue(lag == 6 || lag == 7, "lag " + lag + " with 3 in the dispatcher and at most one held");

        release.countDown();
        waitUntil(() -> handled.get() == 10, "all handled");
        waitUntil(() -> s.queuedEvents() == 0 && s.lag().orElseThrow() == 0, "the backlog is gone");
    }
}
