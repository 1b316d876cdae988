package io.relaybus.nats;

import io.relaybus.api.BusException;
import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.PublishReceipt;
import io.relaybus.embedded.TestBrokers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Core mode: publishes racing {@code close()}. */
@Tag("broker")
class NatsCoreCloseTest {

    @Test
    @DisplayName("core mode: every publish racing close() is completed (receipt or clear failure) when close returns")
    void publishesRacingCloseAllComplete() throws Exception {
        for (int round = 0; round < 15; round++) {
            EventBus bus = EventBus.open(Map.of("bus.transport", "nats", "nats.mode", "core",
                    "nats.servers", TestBrokers.nats().address()));
            String topic = "core-close-" + UUID.randomUUID().toString().substring(0, 8);
            Queue<CompletableFuture<PublishReceipt>> futures = new ConcurrentLinkedQueue<>();
            CountDownLatch started = new CountDownLatch(4);
            List<Thread> publishers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread thread = new Thread(() -> {
                    started.countDown();
                    for (int i = 0; i < 200_000; i++) {
                        CompletableFuture<PublishReceipt> f = bus.publish(Event.of(topic, "k" + i, "e" + i))
                                .toCompletableFuture();
                        futures.add(f);
                        if (f.isCompletedExceptionally()) {
                            break;  // the bus is closed
                        }
                    }
                }, "test-publisher-" + t);
                publishers.add(thread);
                thread.start();
            }
            started.await();
            Thread.sleep(20);
            bus.close();
            // Every publish that returned before close() returned; those returning later failed at once (closed).
            List<CompletableFuture<PublishReceipt>> snapshot = List.copyOf(futures);
            long notDone = snapshot.stream().filter(f -> !f.isDone()).count();
            assertEquals(0, notDone, "round " + round + ": " + notDone + " of " + snapshot.size()
                    + " publish futures were not completed when close() returned");
            for (Thread thread : publishers) {
                thread.join(60_000);
            }
            snapshot = List.copyOf(futures);
            notDone = snapshot.stream().filter(f -> !f.isDone()).count();
            assertEquals(0, notDone, "round " + round + ": " + notDone + " publish futures never completed");
            for (CompletableFuture<PublishReceipt> f : snapshot) {
                if (f.isCompletedExceptionally()) {
                    try {
                        f.get(0, TimeUnit.MILLISECONDS);
                    } catch (ExecutionException e) {
                        assertInstanceOf(BusException.class, e.getCause());
                        assertTrue(e.getCause().getMessage() != null && !e.getCause().getMessage().isBlank());
                    }
                }
            }
        }
    }
}
