package io.relaybus.spi;

import java.util.concurrent.TimeUnit;

/**
 * Where a transport hands its deliveries: the runtime's dispatcher, with bounded queues. Thread safe; never blocks
 * except in {@link #awaitCapacity}.
 */
public interface DeliverySink {

    /**
     * Accepts a delivery for handling, or refuses it at once when the queue it belongs to is full (per-key order
     * decides the queue). A refused delivery stays the transport's: it must stop fetching (pause) and offer it again,
     * before anything fetched after it, once there is room.
     */
    boolean offer(Delivery delivery);

    /** Roughly how many more deliveries would be accepted now (all queues together); for sizing fetches. */
    int remainingCapacity();

    /**
     * Waits until a queue had room taken from it or the timeout passed; returns whether room was made. Interruptible.
     */
    boolean awaitCapacity(long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * The intake hit a problem it is working around (a poll or pull loop restarting with backoff): the subscription's
     * health becomes DEGRADED with {@code reason} until {@link #intakeRecovered()}. Must not contain secrets.
     */
    default void intakeDegraded(String reason) {
    }

    /** The intake is back to normal after {@link #intakeDegraded}. */
    default void intakeRecovered() {
    }

    /**
     * The intake cannot go on (restarts used up, or an error no restart fixes, such as authorization). The runtime
     * fails the subscription visibly (health DOWN, {@code Subscription.completion()} completes exceptionally) and
     * closes it on a thread of its own: {@link TransportSubscription#stopIntake()}, drain, then
     * {@link TransportSubscription#close()}. Deliveries not settled by then stay unacknowledged on the broker.
     */
    default void intakeFailed(Throwable cause) {
    }
}
