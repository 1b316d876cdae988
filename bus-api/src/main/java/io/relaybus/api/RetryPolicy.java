package io.relaybus.api;

import java.time.Duration;
import java.util.Objects;

/**
 * How often, and how far apart, a failing handler is tried again before its event goes to the dead-letter topic.
 *
 * <p>{@code maxAttempts} counts every call of the handler, the first included: 3 means one call and two retries.
 * The delay before retry {@code n} (1-based) is {@code initialBackoff * multiplier^(n-1)}, capped at
 * {@code maxBackoff}. Immutable.
 */
public final class RetryPolicy {

    /** Three attempts, 100 ms then 200 ms apart. */
    public static final RetryPolicy DEFAULT = exponential(3, Duration.ofMillis(100), Duration.ofSeconds(5), 2.0);

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final double multiplier;

    private RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1 (one call, no retry); got " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoffs must satisfy 0 <= initial <= max; got initial=" + initialBackoff
                    + ", max=" + maxBackoff);
        }
        if (!(multiplier >= 1.0)) {
            throw new IllegalArgumentException("multiplier must be >= 1.0; got " + multiplier);
        }
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.multiplier = multiplier;
    }

    public static RetryPolicy exponential(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier) {
        return new RetryPolicy(maxAttempts, Objects.requireNonNull(initialBackoff), Objects.requireNonNull(maxBackoff),
                multiplier);
    }

    public static RetryPolicy fixed(int maxAttempts, Duration backoff) {
        return new RetryPolicy(maxAttempts, backoff, backoff, 1.0);
    }

    /** One attempt: a failure goes straight to the dead-letter topic. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0);
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    /** The delay before attempt {@code attempt + 1}, after attempt {@code attempt} (1-based) failed. */
    public Duration backoffAfter(int attempt) {
        double millis = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
        return millis >= maxBackoff.toMillis() ? maxBackoff : Duration.ofMillis((long) millis);
    }

    @Override
    public String toString() {
        return "RetryPolicy{maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff + ", maxBackoff="
                + maxBackoff + ", multiplier=" + multiplier + '}';
    }
}
