package io.relaybus.tck;

import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.RetryPolicy;
import io.relaybus.api.SubscribeOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Retries and dead letters: a handler that fails twice then succeeds is called a third time; without per-key order a
 * failing event is retried while others flow; one that always fails goes to the dead-letter topic with its key,
 * payload and headers, the {@code relaybus.dlq.*} headers and an id of its own. Composed into {@link
 * TransportCompatibilityKit} as {@code RetriesAndDeadLetters}.
 */
@DisplayName("Retries and dead letters")
@Tag("tck-retries-and-dead-letters")
public abstract class RetriesAndDeadLettersContract extends KitContract {

    @Test
    @DisplayName("a handler that fails twice then succeeds gets the event a third time")
    void failsTwiceThenSucceeds() {
        String topic = uniqueName("tck-retry");
        EventBus bus = openBus();
        AtomicInteger calls = new AtomicInteger();
        Received handled = new Received();
        SubscribeOptions options = SubscribeOptions.builder(topic).retry(RetryPolicy.fixed(3, Duration.ofMillis(50)))
                .build();
        Received dead = receiving(bus, SubscribeOptions.builder(options.deadLetterTopic()).build());
        subscribeReady(bus, options, e -> {
            if (calls.incrementAndGet() <= 2) {
                throw new IllegalStateException("transient failure " + calls.get());
            }
            handled.add(e);
        });
        Event e = Event.of(topic, "k", "retry me");
        publishSync(bus, e);

        Received.await(timeout(), "the event was handled", () -> handled.total() == 1);
        assertEquals(3, calls.get(), "handler calls");
        assertEquals(Set.of(e.id()), handled.ids());
        assertEquals(0, dead.total(), "nothing may reach the dead-letter topic");
        assertEquals(2, bus.metrics().retried(), "retries counted in metrics");
    }

    @Test
    @DisplayName("without per-key order, a failing event is retried (redelivered where the broker can) while "
            + "others flow")
    void unorderedRetryLetsOthersFlow() {
        String topic = uniqueName("tck-retry-unordered");
        EventBus bus = openBus();
        AtomicInteger calls = new AtomicInteger();
        Received handled = new Received();
        subscribeReady(bus, SubscribeOptions.builder(topic).orderedByKey(false).concurrency(2)
                .retry(RetryPolicy.fixed(3, Duration.ofMillis(200))).build(), e -> {
                    if (e.payloadAsString().equals("flaky") && calls.incrementAndGet() <= 2) {
                        throw new IllegalStateException("transient failure " + calls.get());
                    }
                    handled.add(e);
                });
        Event flaky = Event.of(topic, "k", "flaky");
        publishSync(bus, flaky);
        List<String> others = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            others.add(publishSync(bus, Event.of(topic, "k", "fine-" + i)).eventId());
        }
        awaitAll(handled, others, "the other events were handled");
        Received.await(timeout(), "the flaky event succeeded on its third attempt", () -> handled.ids()
                .contains(flaky.id()));
        assertEquals(3, calls.get(), "handler calls for the flaky event");
        assertEquals(1, handled.events().stream().filter(e -> e.id().equals(flaky.id())).count());
    }

    @Test
    @DisplayName("one that always fails sends the event to the dead-letter topic with original headers and the "
            + "error; later events keep flowing")
    void alwaysFailsGoesToDeadLetters() {
        String topic = uniqueName("tck-dlq");
        EventBus bus = openBus();
        Received handled = new Received();
        SubscribeOptions options = SubscribeOptions.builder(topic).group(uniqueName("g"))
                .retry(RetryPolicy.fixed(3, Duration.ofMillis(20))).build();
        Received dead = receiving(bus, SubscribeOptions.builder(options.deadLetterTopic()).build());
        AtomicInteger poisonCalls = new AtomicInteger();
        subscribeReady(bus, options, e -> {
            if (e.payloadAsString().equals("poison")) {
                poisonCalls.incrementAndGet();
                throw new IllegalArgumentException("cannot parse poison");
            }
            handled.add(e);
        });
        Event poison = Event.builder(topic).key("same-key").header("trace", "t-1").payload("poison").build();
        publishSync(bus, poison);
        List<String> later = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            later.add(publishSync(bus, Event.of(topic, "same-key", "fine-" + i)).eventId());
        }

        awaitAll(handled, later, "events after the poison one were handled");
        Received.await(timeout(), "the poison event reached the dead-letter topic", () -> dead.total() >= 1);
        Event letter = dead.events().get(0);
        assertEquals(poison.id(), letter.headers().get("relaybus.dlq.original.id"), "the original id");
        assertNotEquals(poison.id(), letter.id(), "a dead letter has an id of its own, so a broker that "
                + "de-duplicates by id stores it");
        assertEquals("poison", letter.payloadAsString());
        assertEquals("same-key", letter.key().orElse(null));
        assertEquals("t-1", letter.headers().get("trace"), "original header kept");
        assertEquals(topic, letter.headers().get("relaybus.dlq.original.topic"));
        assertEquals(IllegalArgumentException.class.getName(), letter.headers().get("relaybus.dlq.error.class"));
        assertEquals("cannot parse poison", letter.headers().get("relaybus.dlq.error.message"));
        assertEquals("3", letter.headers().get("relaybus.dlq.attempts"));
        assertEquals(3, poisonCalls.get(), "the poison event was tried exactly maxAttempts times");
        Received.await(timeout(), "metrics count the dead letter", () -> bus.metrics().deadLettered() == 1);
    }
}
