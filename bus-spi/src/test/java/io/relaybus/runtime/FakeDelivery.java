package io.relaybus.runtime;

import io.relaybus.api.Event;
import io.relaybus.spi.Delivery;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A delivery that records how it was settled; fine for the pure logic of {@link DeliveryProcessor}.
 *
 * @param settles every settle call, in order: "ack", "redeliver PT0.1S", "deadLettered"
 */
record FakeDelivery(Event event, int deliveryAttempt, boolean canRedeliver, List<String> settles)
        implements Delivery {

    /** A delivery of {@code event}, attempt {@code deliveryAttempt}, not settled yet. */
    FakeDelivery(Event event, int deliveryAttempt, boolean canRedeliver) {
        this(event, deliveryAttempt, canRedeliver, new CopyOnWriteArrayList<>());
    }

    @Override
    public void ack() {
        settles.add("ack");
    }

    @Override
    public void redeliver(Duration delay) {
        settles.add("redeliver " + delay);
    }

    @Override
    public void deadLettered() {
        settles.add("deadLettered");
    }
}
