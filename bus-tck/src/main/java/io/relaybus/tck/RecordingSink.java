package io.relaybus.tck;

import io.relaybus.spi.Delivery;
import io.relaybus.spi.DeliverySink;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A {@link DeliverySink} for a transport's own tests, below the runtime: accepts every delivery, acknowledges it at
 * once and remembers it, and records the intake's health reports in order ({@code "degraded: <reason>"},
 * {@code "recovered"}, {@code "failed: <message>"}). {@link #refusingUntilOpened()} makes one that stands for a
 * runtime whose queues are full until {@link #open()}. Thread safe.
 */
public final class RecordingSink implements DeliverySink {

    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final Received received = new Received();
    private final List<String> health = new CopyOnWriteArrayList<>();
    private volatile Throwable failure;
    private volatile boolean open = true;

    /** A sink that refuses every delivery until {@link #open()}, as a runtime whose queues are full. */
    public static RecordingSink refusingUntilOpened() {
        RecordingSink sink = new RecordingSink();
        sink.open = false;
        return sink;
    }

    /** From now on deliveries are accepted. */
    public void open() {
        open = true;
    }

    @Override
    public boolean offer(Delivery delivery) {
        if (!open) {
            return false;
        }
        deliveries.add(delivery);
        received.add(delivery.event());
        delivery.ack();
        return true;
    }

    @Override
    public int remainingCapacity() {
        return 1000;
    }

    @Override
    public boolean awaitCapacity(long timeout, TimeUnit unit) throws InterruptedException {
        if (!open) {
            unit.sleep(timeout);
        }
        return open;
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

    /** The deliveries offered, in order, duplicates included. */
    public List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    /** The events offered, counted by id. */
    public Received received() {
        return received;
    }

    /** The ids offered, in order, duplicates included. */
    public List<String> ids() {
        return deliveries.stream().map(d -> d.event().id()).toList();
    }

    /** The health reports so far, in order. */
    public List<String> health() {
        return List.copyOf(health);
    }

    /** How many health reports start with {@code prefix} ({@code "degraded"}, {@code "recovered"}, ...). */
    public long count(String prefix) {
        return health.stream().filter(h -> h.startsWith(prefix)).count();
    }

    /** The cause given to {@link #intakeFailed}, or null. */
    public Throwable failure() {
        return failure;
    }
}
