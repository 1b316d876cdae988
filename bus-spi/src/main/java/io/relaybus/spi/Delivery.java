package io.relaybus.spi;

import io.relaybus.api.Event;

import java.time.Duration;

/**
 * One event received by a transport and handed to the runtime. The runtime settles every delivery it accepted exactly
 * once, by calling one of {@link #ack()}, {@link #redeliver(Duration)} or {@link #deadLettered()}, from one of its
 * worker threads, only after the handler succeeded or the dead letter was stored. A delivery the runtime never
 * settles (the subscription closed first) must be redelivered by the broker later: that is what makes the bus
 * at-least-once.
 *
 * <p>Settle methods should not throw; one that does is logged and the event is left to the broker's redelivery.
 *
 * <p>Implementations must be thread safe for a settle call that runs concurrently with the transport's own threads.
 */
public interface Delivery {

    Event event();

    /** The 1-based number of times the broker has delivered this event, when it knows; otherwise 1. */
    default int deliveryAttempt() {
        return 1;
    }

    /** The handler succeeded: the broker may forget the event for this group. */
    void ack();

    /** Whether {@link #redeliver(Duration)} is supported (JetStream {@code nak}); else the runtime retries in place. */
    default boolean canRedeliver() {
        return false;
    }

    /** Asks the broker to deliver the event again after {@code delay}, counting one more attempt. */
    default void redeliver(Duration delay) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot redeliver");
    }

    /**
     * The event's dead letter was stored: the broker must never deliver it again (JetStream {@code term}). Defaults to
     * {@link #ack()}.
     */
    default void deadLettered() {
        ack();
    }
}
