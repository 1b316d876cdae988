package io.relaybus.tck;

import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.StartPosition;
import io.relaybus.api.SubscribeOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;


/**
 * Readiness: an event published right after {@code Subscription.ready()} completed is delivered. Composed into {@link
 * TransportCompatibilityKit} as {@code Readiness}.
 */
@DisplayName("Readiness")
@Tag("tck-readiness")
public abstract class ReadinessContract extends KitContract {

    @Test
    @DisplayName("an event published right after ready() completes is always delivered")
    void publishedAfterReadyIsDelivered() {
        EventBus bus = openBus();
        for (int round = 0; round < 5; round++) {
            String topic = uniqueName("tck-ready");
            Received received = receiving(bus, SubscribeOptions.builder(topic)
                    .group(features().consumerGroups() ? uniqueName("g") : null)
                    .startFrom(StartPosition.LATEST).build());
            String id = publishSync(bus, Event.of(topic, "k", "first")).eventId();
            Received.await(timeout(), "round " + round + ": the first event after ready was delivered",
                    () -> received.ids().contains(id));
        }
    }
}
