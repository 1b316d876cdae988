package io.relaybus.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.RetryPolicy;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;
import io.relaybus.tck.Received;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The workload the metrics tests share: on one topic, two events handled at once, one that fails once and is then
 * handled, and one that fails until it is dead-lettered; then helpers to read and await meters.
 */
final class Scenario {

    static final Duration TIMEOUT = Duration.ofSeconds(60);

    final String topic = "orders-" + UUID.randomUUID().toString().substring(0, 8);
    final String deadLetterTopic = topic + ".dlq";
    private final AtomicBoolean flakyFailed = new AtomicBoolean();

    /** A new {@link EventBusMetrics} bound to {@code registry}. */
    static EventBusMetrics metricsBoundTo(MeterRegistry registry) {
        EventBusMetrics metrics = new EventBusMetrics();
        metrics.bindTo(registry);
        return metrics;
    }

    /** The whole scenario on {@code bus}: subscribe, publish, wait until settled, then {@link #assertMeters}. */
    void run(EventBus bus, MeterRegistry registry, String transport) {
        subscribe(bus);
        publish(bus);
        awaitSettled(registry);
        assertMeters(registry, transport);
    }

    /** Subscribes group "billing" with 2 attempts and a dead-letter topic, and waits until it is ready. */
    Subscription subscribe(EventBus bus) {
        Subscription s = bus.subscribe(SubscribeOptions.builder(topic).group("billing")
                .retry(RetryPolicy.fixed(2, Duration.ofMillis(10))).deadLetterTopic(deadLetterTopic).build(), e -> {
                    if (e.id().equals("bad") || (e.id().equals("flaky") && flakyFailed.compareAndSet(false, true))) {
                        throw new IllegalStateException("failing " + e.id());
                    }
                });
        s.ready().toCompletableFuture().orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
        return s;
    }

    /** Publishes ok1, ok2, flaky and bad, each acknowledged. */
    void publish(EventBus bus) {
        for (String id : new String[] {"ok1", "ok2", "flaky", "bad"}) {
            bus.publish(Event.builder(topic).id(id).key(id).payload(id).build()).toCompletableFuture()
                    .orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
        }
    }

    /** Waits until the scenario's events were all settled, as the meters tell. */
    void awaitSettled(MeterRegistry registry) {
        // The handling timer records the dead-letter outcome before the dead letter's publish completes and is counted.
        await("three events handled and one dead-lettered", () -> handleCount(registry, "success") == 3
                && handleCount(registry, "dead_letter") == 1 && deadLetterCount(registry) == 1);
    }

    double deadLetterCount(MeterRegistry registry) {
        var c = registry.find(MeterDocs.DEAD_LETTERS).tag(MeterDocs.TAG_TOPIC, topic).counter();
        return c == null ? 0 : c.count();
    }

    long handleCount(MeterRegistry registry, String outcome) {
        Timer t = registry.find(MeterDocs.HANDLE).tag(MeterDocs.TAG_TOPIC, topic).tag(MeterDocs.TAG_GROUP, "billing")
                .tag(MeterDocs.TAG_OUTCOME, outcome).timer();
        return t == null ? 0 : t.count();
    }

    /** What the scenario must show in {@code registry}, once settled, for a bus over {@code transport}. */
    void assertMeters(MeterRegistry registry, String transport) {
        assertEquals(4, timer(registry, MeterDocs.PUBLISH, transport, topic, null, "success").count(),
                "publishes of " + topic);
        assertEquals(1, timer(registry, MeterDocs.PUBLISH, transport, deadLetterTopic, null, "success").count(),
                "dead letters published");
        assertEquals(3, timer(registry, MeterDocs.HANDLE, transport, topic, "billing", "success").count());
        assertEquals(2, timer(registry, MeterDocs.HANDLE, transport, topic, "billing", "retry").count());
        assertEquals(1, timer(registry, MeterDocs.HANDLE, transport, topic, "billing", "dead_letter").count());
        assertEquals(4, timer(registry, MeterDocs.END_TO_END, transport, topic, "billing", null).count(),
                "one end-to-end latency per event (first attempts)");
        assertEquals(2.0, registry.get(MeterDocs.RETRIES).tags(tags(transport, topic, "billing")).counter().count());
        assertEquals(1.0, registry.get(MeterDocs.DEAD_LETTERS).tags(tags(transport, topic, "billing")).counter()
                .count());
        await("the dispatcher is empty", () -> registry.get(MeterDocs.QUEUED).tags(tags(transport, topic, "billing"))
                .gauge().value() == 0);
        assertTrue(timer(registry, MeterDocs.HANDLE, transport, topic, "billing", "success")
                .totalTime(TimeUnit.NANOSECONDS) > 0, "handling time recorded");
    }

    static Timer timer(MeterRegistry registry, String name, String transport, String topic, String group,
                       String outcome) {
        var search = registry.get(name).tag(MeterDocs.TAG_TRANSPORT, transport).tag(MeterDocs.TAG_TOPIC, topic);
        if (group != null) {
            search = search.tag(MeterDocs.TAG_GROUP, group);
        }
        if (outcome != null) {
            search = search.tag(MeterDocs.TAG_OUTCOME, outcome);
        }
        return search.timer();
    }

    static String[] tags(String transport, String topic, String group) {
        return new String[] {MeterDocs.TAG_TRANSPORT, transport, MeterDocs.TAG_TOPIC, topic, MeterDocs.TAG_GROUP, group};
    }

    static void await(String what, BooleanSupplier condition) {
        Received.await(TIMEOUT, what, condition);
    }
}
