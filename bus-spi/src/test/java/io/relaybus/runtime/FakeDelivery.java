package io.relaybus.runtime;

import io.relaybus.api.Event;
import io.relaybus.spi.Delivery;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A delivery that records how it was settled; fine for the pure logic of {@link DeliveryProcessor}. */
final class FakeDelivery implements Delivery {

    final Event event;
    final int attempt;
    final boolean canRedeliver;
    /** Every settle call, in order: "ack", "redeliver PT0.1S", "deadLettered". */
    final List<String> settles = new CopyOnWriteArrayList<>();

    FakeDelivery(Event event, int attempt, boolean canRedeliver) {
        this.event = event;
        this.attempt = attempt;
        this.canRedeliver = canRedeliver;
    }

    @Override
    public Event event() {
        return event;
    }

    @Override
    public int deliveryAttempt() {
        return attempt;
    }

    @Override
    public void ack() {
        settles.add("ack");
    }

    @Override
    public boolean canRedeliver() {
        return canRedeliver;
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
