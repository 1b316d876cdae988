package io.relaybus.api;

import java.util.Objects;

/**
 * Thrown by a {@link BatchHandler} to name the first event of its batch that failed: the events before it were
 * handled and are acknowledged, it and the ones after it are retried (like Spring Kafka's
 * {@code BatchListenerFailedException}).
 */
public class BatchFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int index;
    private final transient Event event;

    /** The event at {@code index} (0-based) of the batch failed with {@code cause}. */
    public BatchFailedException(int index, Throwable cause) {
        super("event " + index + " of the batch failed: " + cause, cause);
        if (index < 0) {
            throw new IllegalArgumentException("index must not be negative: " + index);
        }
        this.index = index;
        this.event = null;
    }

    /** {@code event}, one of the batch's, failed with {@code cause}. */
    public BatchFailedException(Event event, Throwable cause) {
        super("event " + Objects.requireNonNull(event, "event").id() + " of the batch failed: " + cause, cause);
        this.index = -1;
        this.event = event;
    }

    /** The failed event's index in the batch, or -1 when it was named by {@link #event()}. */
    public int index() {
        return index;
    }

    /** The failed event when it was named by the event, else null. */
    public Event event() {
        return event;
    }
}
