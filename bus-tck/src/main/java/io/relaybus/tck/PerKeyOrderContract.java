package io.relaybus.tck;

import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.PublishReceipt;
import io.relaybus.api.SubscribeOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Per-key order: 1,000 events over 16 keys, handled with concurrency 8, arrive in publish order per key, and handlers
 * really ran concurrently. Needs {@link Features#perKeyOrder()}. Composed into {@link TransportCompatibilityKit} as
 * {@code PerKeyOrder}.
 */
@DisplayName("Per-key order")
@Tag("tck-per-key-order")
public abstract class PerKeyOrderContract extends KitContract {

    @Test
    @DisplayName("holds with concurrency 8: 1,000 events over 16 keys arrive in publish order per key")
    void orderPerKey() {
        assumeTrue(features().perKeyOrder(), "transport declares no per-key order");
        String topic = uniqueName("tck-order");
        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        Received received = new Received();
        EventBus bus = openBus();
        subscribeReady(bus, SubscribeOptions.builder(topic).concurrency(8).orderedByKey(true).build(), e -> {
            int now = concurrent.incrementAndGet();
            maxConcurrent.accumulateAndGet(now, Math::max);
            try {
                seen.computeIfAbsent(e.key().orElseThrow(), k -> Collections.synchronizedList(new ArrayList<>()))
                        .add(Integer.parseInt(e.headers().get("seq")));
                if (ThreadLocalRandom.current().nextInt(10) == 0) {
                    Thread.sleep(1);
                }
                received.add(e);
            } finally {
                concurrent.decrementAndGet();
            }
        });
        List<CompletableFuture<PublishReceipt>> acks = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        int[] next = new int[16];
        for (int i = 0; i < 1000; i++) {
            int k = i % 16;
            Event e = event(topic, "key-" + k, next[k]++);
            ids.add(e.id());
            acks.add(bus.publish(e).toCompletableFuture());
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
        awaitAll(received, ids, "all 1,000 events were handled");

        assertEquals(16, seen.size());
        seen.forEach((key, seqs) -> {
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < seqs.size(); i++) {
                expected.add(i);
            }
            assertEquals(expected, seqs, "order of " + key);
        });
        assertTrue(maxConcurrent.get() > 1, "handlers never ran concurrently, so the test proved nothing about "
                + "order under concurrency (max concurrent: " + maxConcurrent.get() + ")");
    }
}
