package io.relaybus.tck;

import io.relaybus.api.SubscribeOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

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
        Received received = receiving(openBus(), SubscribeOptions.builder(topic).group(uniqueName("g"))
                .concurrency(4).startFrom(startForNewGroups()).build());
        List<String> acknowledged = publishAcrossRestart(topic, 3000, 16, received);
        Received.await(timeout().multipliedBy(2), "every acknowledged event was delivered after the restart", () ->
                received.containsAll(acknowledged));
        System.out.printf("[tck] broker restart: %d delivered, %d duplicates%n", received.unique(),
                received.duplicates());
    }
}
