package io.relaybus.tck;

import io.relaybus.api.EventBus;
import io.relaybus.api.PublishReceipt;
import io.relaybus.api.SubscribeOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Close under load: closing the publishing bus while four threads publish; every publish that completed successfully
 * is delivered. Needs {@link Features#atLeastOnce()}. Composed into {@link TransportCompatibilityKit} as {@code
 * CloseUnderLoad}.
 */
@DisplayName("Close under load")
@Tag("tck-close-under-load")
public abstract class CloseUnderLoadContract extends KitContract {

    @Test
    @DisplayName("closing the publishing bus under load: every publish that completed successfully is delivered")
    void everySuccessfulPublishIsDelivered() throws Exception {
        assumeTrue(features().atLeastOnce(), "transport declares at-most-once delivery");
        String topic = uniqueName("tck-close");
        Received received = receiving(openBus(), SubscribeOptions.builder(topic).group(uniqueName("g"))
                .concurrency(4).build());
        EventBus pub = openBus();
        List<CompletableFuture<PublishReceipt>> futures = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            pool.submit(() -> {
                int i = 0;
                while (!stop.get()) {
                    try {
                        futures.add(pub.publish(event(topic, "k" + (i % 8), i++)).toCompletableFuture());
                    } catch (RuntimeException closed) {
                        return;
                    }
                }
            });
        }
        Received.await(timeout(), "publishing is under way", () -> received.total() > 200);
        pub.close();
        stop.set(true);
        pool.shutdown();
        assertTrue(pool.awaitTermination(timeout().toSeconds(), TimeUnit.SECONDS));

        List<String> acknowledged = acknowledgedIds(List.copyOf(futures));   // failing after close is allowed
        assertFalse(acknowledged.isEmpty());
        awaitAll(received, acknowledged, "every acknowledged publish was delivered");
    }
}
