package io.relaybus.nats;

import io.relaybus.api.BusException;
import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.PublishReceipt;
import io.relaybus.api.StartPosition;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.embedded.TestBrokers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static io.relaybus.nats.NatsTestSupport.natsBus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Publishes racing the bus's close, on the direct path (no linger: the caller's thread sends) and through the batcher:
 * every publish settles (a receipt or a {@link BusException}, never a future left hanging), and every event that got a
 * receipt is in the stream.
 */
@Tag("broker")
class NatsPublishCloseRaceTest {

    private static final int PUBLISHERS = 4;

    @ParameterizedTest(name = "linger {0} ms")
    @ValueSource(ints = {0, 5})
    @DisplayName("publishes racing close all settle, and every acknowledged one is stored")
    void publishesRacingClose(int lingerMs) throws Exception {
        String topic = "close-race-" + UUID.randomUUID();
        String servers = TestBrokers.nats().address();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        for (int round = 0; round < 5; round++) {
            EventBus bus = EventBus.open(natsBus("nats.servers", servers, NatsConfig.PUBLISH_LINGER_CONFIG, lingerMs,
                    NatsConfig.PUBLISH_TIMEOUT_CONFIG, 5_000));
            bus.publish(Event.of(topic, "k", "warm")).toCompletableFuture().get(10, TimeUnit.SECONDS);
            List<List<CompletableFuture<PublishReceipt>>> perThread = new ArrayList<>();
            CountDownLatch started = new CountDownLatch(PUBLISHERS);
            AtomicInteger sent = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < PUBLISHERS; t++) {
                List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>();
                perThread.add(futures);
                Thread thread = new Thread(() -> {
                    started.countDown();
                    for (int i = 0; i < 20_000; i++) {
                        CompletableFuture<PublishReceipt> f;
                        try {
                            f = bus.publish(Event.builder(topic).key("k" + (i % 8)).payload(new byte[] {1, 0, (byte) 0xff}).build())
                                    .toCompletableFuture();
                        } catch (BusException closed) {
                            break;
                        }
                        futures.add(f);
                        sent.incrementAndGet();
                        if (f.isCompletedExceptionally()) {
                            break;   // closed
                        }
                    }
                }, "close-race-publisher-" + t);
                threads.add(thread);
                thread.start();
            }
            assertTrue(started.await(10, TimeUnit.SECONDS), "publishers started");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (sent.get() < 300 * (round + 1)) {
                assertTrue(System.nanoTime() < deadline && threads.stream().anyMatch(Thread::isAlive),
                        "publishers got " + sent.get() + " publishes out before the close (round " + round + ")");
                Thread.sleep(1);
            }
            bus.close();
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
                assertTrue(!thread.isAlive(), "a publisher is stuck in publish after close: " + thread.getName());
            }
            for (List<CompletableFuture<PublishReceipt>> futures : perThread) {
                for (CompletableFuture<PublishReceipt> f : futures) {
                    try {
                        acknowledged.add(f.get(15, TimeUnit.SECONDS).eventId());
                    } catch (TimeoutException e) {
                        fail("a publish racing close never settled (round " + round + ", linger " + lingerMs + ")");
                    } catch (ExecutionException e) {
                        assertInstanceOf(BusException.class, e.getCause(), "failure type");
                    }
                }
            }
        }

        Set<String> stored = ConcurrentHashMap.newKeySet();
        try (EventBus reader = EventBus.open(natsBus("nats.servers", servers))) {
            reader.subscribe(SubscribeOptions.builder(topic).group("check").startFrom(StartPosition.EARLIEST)
                    .build(), e -> stored.add(e.id())).ready().toCompletableFuture().get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!stored.containsAll(acknowledged) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }
        Set<String> missing = new java.util.HashSet<>(acknowledged);
        missing.removeAll(stored);
        assertEquals(Set.of(), missing.size() > 5 ? Set.of(missing.size() + " events") : missing,
                "acknowledged but not stored (of " + acknowledged.size() + " acknowledged)");
    }
}
