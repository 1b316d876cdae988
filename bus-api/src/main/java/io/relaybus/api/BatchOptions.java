package io.relaybus.api;

import java.time.Duration;
import java.util.Objects;

/**
 * How a batch subscription forms its batches. A worker hands its handler what it has queued, up to
 * {@code maxEvents} events and {@code maxBytes} bytes of payload (a single larger event still makes a batch of one);
 * when fewer are queued it waits up to {@code maxWait} after the first for more. {@code maxWait} zero hands over at
 * once whatever is queued: batches then grow by themselves under load and stay small when traffic is light.
 *
 * @param maxEvents most events in one batch, at least 1
 * @param maxBytes  most payload bytes in one batch, at least 1
 * @param maxWait   longest wait to fill a batch after its first event, not negative
 */
public record BatchOptions(int maxEvents, long maxBytes, Duration maxWait) {

    /** 500 events, 4 MiB, up to 50 ms to fill a batch. */
    public static final BatchOptions DEFAULT = new BatchOptions(500, 4L * 1024 * 1024, Duration.ofMillis(50));

    public BatchOptions {
        Objects.requireNonNull(maxWait, "maxWait");
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents must be at least 1, got " + maxEvents);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be at least 1, got " + maxBytes);
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative, got " + maxWait);
        }
    }

    /** Up to {@code maxEvents} events, the default byte bound and wait. */
    public static BatchOptions of(int maxEvents) {
        return new BatchOptions(maxEvents, DEFAULT.maxBytes(), DEFAULT.maxWait());
    }

    public BatchOptions withMaxBytes(long bytes) {
        return new BatchOptions(maxEvents, bytes, maxWait);
    }

    public BatchOptions withMaxWait(Duration wait) {
        return new BatchOptions(maxEvents, maxBytes, wait);
    }
}
