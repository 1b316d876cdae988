package io.relaybus.memory;

import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.StartPosition;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link MemoryTransportProvider#restartBroker}: the stand-in for a broker restart that reopens the same storage. */
@DisplayName("Memory broker restart (same storage)")
class MemoryBrokerRestartTest {

    private final String broker = "restart-" + UUID.randomUUID();
    private final List<EventBus> buses = new ArrayList<>();

    private EventBus open() {
        EventBus bus = EventBus.open(Map.of("bus.transport", "memory", "memory.broker", broker));
        buses.add(bus);
        return bus;
    }

    @AfterEach
    void close() {
        buses.forEach(EventBus::close);
        MemoryBroker.reset(broker);
    }

    @Test
    @DisplayName("unsettled deliveries are handed to the group again; logs and group positions are kept")
    void unsettledComeAgainStorageKept() throws Exception {
        EventBus bus = open();
        String topic = "orders";
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
        Subscription member = bus.subscribe(SubscribeOptions.builder(topic).group("g").build(), e -> {
            entered.countDown();
            release.await(10, TimeUnit.SECONDS);
            handled.computeIfAbsent(e.payloadAsString(), k -> new AtomicInteger()).incrementAndGet();
        });
        member.ready().toCompletableFuture().get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 5; i++) {
            bus.publish(Event.of(topic, "k", "e" + i)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        assertTrue(entered.await(10, TimeUnit.SECONDS), "the first event reached the handler");

        assertTrue(MemoryTransportProvider.restartBroker(broker));
        release.countDown();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (handled.getOrDefault("e0", new AtomicInteger()).get() < 2 || handled.size() < 5) {
            assertTrue(System.nanoTime() < deadline, "every event handled, the one in flight again: " + handled);
            Thread.sleep(10);
        }
        // Events the member had fetched behind e0 before the restart were unsettled too, so they come again as well;
        // closing before those redeliveries are settled would hand them back (correctly) and the check below would
        // count them. So close once the group has nothing in flight.
        while (MemoryBroker.unsettled(broker, topic, "g") > 0) {
            assertTrue(System.nanoTime() < deadline, "the group settled everything: "
                    + MemoryBroker.unsettled(broker, topic, "g") + " left");
            Thread.sleep(10);
        }
        member.close();

        // Group positions kept: a new member of the group gets nothing that was handled.
        AtomicInteger again = new AtomicInteger();
        open().subscribe(SubscribeOptions.builder(topic).group("g").build(), e -> again.incrementAndGet())
                .ready().toCompletableFuture().get(10, TimeUnit.SECONDS);
        // Logs kept: a new group from the earliest event sees all five.
        Map<String, Boolean> replayed = new ConcurrentHashMap<>();
        open().subscribe(SubscribeOptions.builder(topic).group("new").startFrom(StartPosition.EARLIEST).build(),
                e -> replayed.put(e.payloadAsString(), true)).ready().toCompletableFuture().get(10, TimeUnit.SECONDS);
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (replayed.size() < 5) {
            assertTrue(System.nanoTime() < deadline, "the log survived the restart: " + replayed.keySet());
            Thread.sleep(10);
        }
        assertEquals(0, again.get(), "the group's position survived the restart");
    }

    @Test
    @DisplayName("a name no bus opened is reported, not created")
    void unknownBroker() {
        assertFalse(MemoryTransportProvider.restartBroker("never-opened-" + UUID.randomUUID()));
    }
}
