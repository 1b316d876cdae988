package io.relaybus.kafka;

import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.PublishReceipt;
import io.relaybus.api.SubscribeOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Members join and leave a group while events flow: revocation hands partitions over at the committed offset of
 * what was handled, so the next owner neither loses nor repeats events.
 */
@Tag("broker")
class KafkaRebalanceTest {

    @ParameterizedTest(name = "group protocol {0}")
    @ValueSource(strings = {"classic", "consumer"})
    @DisplayName("members join and leave mid-stream: nothing lost, nothing handled twice")
    void handOverMidStream(String protocol) throws Exception {
        String topic = KafkaTestSupport.unique("rebalance");
        String group = KafkaTestSupport.unique("g");
        Map<String, Object> config = KafkaTestSupport.busConfig(KafkaConfig.GROUP_PROTOCOL_CONFIG, protocol,
                KafkaConfig.COMMIT_INTERVAL_CONFIG, 200);
        Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        AtomicInteger total = new AtomicInteger();
        EventBus a = EventBus.open(config);   // closed mid-test: leaving is part of what is tested
        try (EventBus b = EventBus.open(config); EventBus c = EventBus.open(config); EventBus pub = EventBus.open(config)) {
            io.relaybus.api.EventHandler count = e -> {
                counts.computeIfAbsent(e.id(), id -> new AtomicInteger()).incrementAndGet();
                total.incrementAndGet();
            };
            a.subscribe(SubscribeOptions.builder(topic).group(group).concurrency(2).build(), count).ready()
                    .toCompletableFuture().join();
            List<CompletableFuture<PublishReceipt>> sent = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.ExecutorService publisher = java.util.concurrent.Executors.newSingleThreadExecutor();
            CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 3000; i++) {
                    sent.add(pub.publish(Event.of(topic, "k" + (i % 50), "v" + i)).toCompletableFuture());
                    if (i % 10 == 0) {
                        pace();
                    }
                }
            }, publisher);
            publisher.shutdown();
            try {
                KafkaTestSupport.await("member A is handling events", () -> {
                    if (publishing.isCompletedExceptionally()) {
                        publishing.join();
                    }
                    return total.get() >= 300;
                });
            } catch (AssertionError e) {
                System.out.println("acknowledged publishes: " + sent.stream().filter(f -> f.isDone()
                        && !f.isCompletedExceptionally()).count() + ", handled: " + total.get());
                KafkaTestSupport.printRelaybusThreads();
                throw e;
            }
            b.subscribe(SubscribeOptions.builder(topic).group(group).concurrency(2).build(), count).ready()
                    .toCompletableFuture().join();
            KafkaTestSupport.await("more events flowed after B joined", () -> total.get() >= 1200);
            c.subscribe(SubscribeOptions.builder(topic).group(group).concurrency(2).build(), count).ready()
                    .toCompletableFuture().join();
            KafkaTestSupport.await("more events flowed after C joined", () -> total.get() >= 2000);
            a.close();
            publishing.join();
            List<String> ids = new ArrayList<>();
            for (CompletableFuture<PublishReceipt> f : sent) {
                ids.add(f.join().eventId());
            }
            KafkaTestSupport.await("every event was handled by the group (handled " + counts.size() + " so far)",
                    () -> counts.keySet().containsAll(ids));
            long twice = counts.values().stream().filter(n -> n.get() > 1).count();
            assertEquals(0, twice, "events handled more than once across the hand-overs");
        } finally {
            a.close();
        }
    }

    private static void pace() {
        try {
            Thread.sleep(5);   // a steady stream, so that the joins and the leave happen mid-stream
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
