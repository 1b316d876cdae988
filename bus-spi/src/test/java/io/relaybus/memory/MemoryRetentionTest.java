package io.relaybus.memory;

import io.relaybus.api.BusHealth;
import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A group that falls further behind than the retention: what retention dropped is said, not skipped in silence. */
@DisplayName("Memory transport retention")
class MemoryRetentionTest {

    private final String broker = "retention-" + UUID.randomUUID();

    @AfterEach
    void reset() {
        MemoryBroker.reset(broker);
    }

    @Test
    @DisplayName("a group behind the retention reports DEGRADED naming the key and the dropped count, UP once caught up")
    void droppedEventsAreReported() throws Exception {
        try (EventBus bus = EventBus.open(Map.of("bus.transport", "memory", "memory.broker", broker,
                MemoryTransportProvider.RETENTION_CONFIG, 10, "bus.dispatch.queue.capacity", 1))) {
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            List<String> handled = new CopyOnWriteArrayList<>();
            Subscription s = bus.subscribe(SubscribeOptions.builder("orders").group("slow").build(), e -> {
                entered.countDown();
                release.await(10, TimeUnit.SECONDS);
                Thread.sleep(20);     // still slower than nothing: the group stays behind for a while after the drop
                handled.add(e.payloadAsString());
            });
            s.ready().toCompletableFuture().get(10, TimeUnit.SECONDS);
            // The handler holds the first event before the rest is published: until it is released the member takes
            // nothing more, so it is behind but has skipped nothing yet.
            bus.publish(Event.of("orders", "k", "e0")).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertTrue(entered.await(10, TimeUnit.SECONDS), "the first event reached the handler");
            for (int i = 1; i < 50; i++) {
                bus.publish(Event.of("orders", "k", "e" + i)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            assertEquals(BusHealth.Status.UP, s.health().status(), "not behind yet: " + s.health());

            release.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            BusHealth degraded = s.health();
            while (degraded.status() != BusHealth.Status.DEGRADED) {
                assertTrue(System.nanoTime() < deadline, "never reported the dropped events: " + s.health());
                Thread.sleep(1);
                degraded = s.health();
            }
            assertTrue(degraded.detail().contains("memory.retention.events=10")
                    && degraded.detail().contains("dropped before it read them"), degraded.detail());

            while (!handled.contains("e49") || s.health().status() != BusHealth.Status.UP) {
                assertTrue(System.nanoTime() < deadline, "caught up and UP again: " + s.health() + ", " + handled);
                Thread.sleep(5);
            }
            assertTrue(handled.size() < 50, "retention dropped some events before the group read them: " + handled);
        }
    }
}
