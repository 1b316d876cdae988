package io.relaybus.tck;

import io.relaybus.api.EventBus;
import io.relaybus.api.PublishReceipt;
import io.relaybus.api.SubscribeOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Broker restart: the broker is restarted ({@link TransportCompatibilityKit#restartBroker()}) a third of the way
 * through a steady stream of 3,000 events; every event whose publish was acknowledged is delivered. Needs {@link
 * Features#brokerRestart()}; a transport without a broker declares it when its fixture can stand in (the in-memory
 * transport reopens the same storage: logs and group positions kept, every unsettled delivery handed to its group
 * again). Composed into {@link TransportCompatibilityKit} as {@code BrokerRestart}.
 */
@DisplayName("Broker restart")
@Tag("tck-broker-restart")
public abstract class BrokerRestartContract extends KitContract {

    @Test
    @DisplayName("broker restarted mid-stream: zero acknowledged events lost; duplicates counted and reported")
    void noAcknowledgedEventLost() throws Exception {
        assumeTrue(features().brokerRestart(), "fixture declares no broker restart");
        String topic = uniqueName("tck-restart");
        Received received = new Received();
        subscribeReady(openBus(), SubscribeOptions.builder(topic).group(uniqueName("g")).concurrency(4)
                .startFrom(startForNewGroups()).build(), received::add);
        EventBus pub = openBus();
        List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>();
        int total = 3000;
        for (int i = 0; i < total; i++) {
            futures.add(pub.publish(event(topic, "k" + (i % 16), i)).toCompletableFuture());
            if (i == total / 3) {
                Received.await(timeout(), "events flow before the restart", () -> received.total() > 0);
                restartBroker();
            }
            if (i % 100 == 0) {
                Thread.sleep(5);   // a steady stream, not one burst, so the restart lands mid-stream
            }
        }
        List<String> acknowledged = new ArrayList<>();
        int failed = 0;
        for (CompletableFuture<PublishReceipt> f : futures) {
            try {
                acknowledged.add(f.get(timeout().toMillis(), TimeUnit.MILLISECONDS).eventId());
            } catch (ExecutionException e) {
                failed++;
            }
        }
        assertTrue(acknowledged.size() > total / 2, "most publishes should succeed across a restart; acknowledged "
                + acknowledged.size() + " of " + total);
        Received.await(timeout().multipliedBy(2), "every acknowledged event was delivered after the restart", () ->
                received.containsAll(acknowledged));
        System.out.printf("[tck] broker restart: %d published, %d acknowledged, %d failed, %d delivered, "
                        + "%d duplicates%n", total, acknowledged.size(), failed, received.unique(),
                received.duplicates());
    }
}
