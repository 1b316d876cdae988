package io.relaybus.micrometer;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.relaybus.micrometer.Scenario.await;
import static io.relaybus.micrometer.Scenario.tags;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The meters over the memory transport (no broker): every meter, binding order, gauges' life, by-name set-up. */
@DisplayName("EventBusMetrics over the memory transport")
class EventBusMetricsMemoryTest {

    private static EventBus memoryBus(EventBusMetrics metrics, String... extra) {
        var builder = EventBus.builder().transport("memory")
                .property("memory.broker", "metrics-" + UUID.randomUUID()).interceptor(metrics);
        for (int i = 0; i < extra.length; i += 2) {
            builder.property(extra[i], extra[i + 1]);
        }
        return builder.build();
    }

    @Test
    @DisplayName("publish, handling (success, retry, dead_letter), end-to-end, retries, dead letters and queue depth, "
            + "bound after the bus opened")
    void everyMeterBoundAfterOpen() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EventBusMetrics metrics = new EventBusMetrics();
        Scenario scenario = new Scenario();
        try (EventBus bus = memoryBus(metrics)) {
            metrics.bindTo(registry);
            scenario.run(bus, registry, "memory");
            assertEquals(0.0, registry.get(MeterDocs.LAG).tags(tags("memory", scenario.topic, "billing")).gauge()
                    .value(), "the memory broker knows the backlog: none left");
        }
    }

    @Test
    @DisplayName("a failed publish is timed with outcome failure")
    void failedPublish() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EventBusMetrics metrics = Scenario.metricsBoundTo(registry);
        try (EventBus bus = memoryBus(metrics, "memory.max.event.bytes", "100")) {
            assertThrows(CompletionException.class, () -> bus.publish(Event.builder("big").payload(new byte[500])
                    .build()).toCompletableFuture().join());
            assertEquals(1, Scenario.timer(registry, MeterDocs.PUBLISH, "memory", "big", null, "failure").count());
        }
    }

    @Test
    @DisplayName("the queue-depth gauge shows a stalled handler's backlog; gauges go with the last subscription")
    void queueDepthAndGaugeLifecycle() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EventBusMetrics metrics = Scenario.metricsBoundTo(registry);
        CountDownLatch release = new CountDownLatch(1);
        try (EventBus bus = memoryBus(metrics, "bus.dispatch.queue.capacity", "4")) {
            Subscription s = bus.subscribe(SubscribeOptions.builder("stalled").group("g").concurrency(1).build(),
                    e -> release.await());
            s.ready().toCompletableFuture().get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 20; i++) {
                bus.publish(Event.builder("stalled").build()).toCompletableFuture().join();
            }
            await("1 running and 4 queued", () -> registry.get(MeterDocs.QUEUED).tags(tags("memory", "stalled", "g"))
                    .gauge().value() == 5);
            double lag = registry.get(MeterDocs.LAG).tags(tags("memory", "stalled", "g")).gauge().value();
            assertEquals(15, lag, 1, "the broker holds the rest (one more may wait in the intake)");
            release.countDown();
            await("caught up", () -> registry.get(MeterDocs.LAG).tags(tags("memory", "stalled", "g")).gauge()
                    .value() == 0);
            s.close();
            assertNull(registry.find(MeterDocs.QUEUED).gauge(), "queue gauge left behind after close");
            assertNull(registry.find(MeterDocs.LAG).gauge(), "lag gauge left behind after close");
        }
    }

    @Test
    @DisplayName("bus.interceptors=micrometer binds to the global registry")
    void byNameBindsGlobalRegistry() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Metrics.addRegistry(registry);
        try (EventBus bus = EventBus.builder().transport("memory").property("memory.broker", "by-name")
                .property("bus.interceptors", "micrometer").build()) {
            bus.publish(Event.builder("named").build()).toCompletableFuture().join();
            assertEquals(1, Scenario.timer(registry, MeterDocs.PUBLISH, "memory", "named", null, "success").count());
        } finally {
            Metrics.removeRegistry(registry);
        }
    }

    @Test
    @DisplayName("binding a second, different registry is refused with what to do instead")
    void secondRegistryRefused() {
        EventBusMetrics metrics = new EventBusMetrics();
        metrics.bindTo(new SimpleMeterRegistry());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> metrics.bindTo(new SimpleMeterRegistry()));
        assertEquals("This EventBusMetrics is already bound to a registry; bind a CompositeMeterRegistry to export "
                + "to several", e.getMessage());
    }
}
