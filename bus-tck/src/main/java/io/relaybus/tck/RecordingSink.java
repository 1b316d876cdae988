package io.relaybus.kafka;

import io.relaybus.spi.Delivery;
import io.relaybus.spi.DeliverySink;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A sink for transport-level tests: accepts every delivery, acknowledges it at once and remembers it, and records the
 * intake health reports in order ("degraded: reason", "recovered", "failed: message").
 */
final class RecordingSink implements DeliverySink {

    final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    final List<String> health = new CopyOnWriteArrayList<>();
    volatile Throwable failure;

    @Override
    public boolean offer(Delivery delivery) {
        deliveries.add(delivery);
        delivery.ack();
        return true;
    }

    @Override
    public int remainingCapacity() {
        return 1000;
    }

    @Override
    public boolean awaitCapacity(long timeout, TimeUnit unit) {
        return true;
    }

    @Override
    public void intakeDegraded(String reason) {
        health.add("degraded: " + reason);
    }

    @Override
    public void intakeRecovered() {
        health.add("recovered");
    }

    @Override
    public void intakeFailed(Throwable cause) {
        failure = cause;
        health.add("failed: " + cause.getMessage());
    }

    /** The ids delivered, in order, duplicates included. */
    List<String> ids() {
        return deliveries.stream().map(d -> d.event().id()).toList();
    }
}
