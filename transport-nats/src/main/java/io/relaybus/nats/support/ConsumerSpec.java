package io.relaybus.nats.support;

import java.util.Objects;

/**
 * A durable pull consumer to run with {@link JetStreamSupport#consume}.
 *
 * <p>When the consumer exists it is bound to (its filter must be {@code filterSubject}); ack wait and
 * {@code max_ack_pending} follow the transport's {@code nats.consumer.*} settings. When it does not exist it is
 * created, starting after {@code resumeAfter} when that is set, else at the stream's start ({@code fromStart}) or with
 * the next message published.
 *
 * <p>{@code resumeAfter} is for a single member that owns the consumer and keeps its own record of what it finished
 * (a Connect source offset): everything up to and including it is done. An existing consumer whose acknowledgement
 * floor lags behind it, or that still has unacknowledged deliveries of a previous member, is created again at
 * {@code max(ack floor, resumeAfter) + 1}: nothing finished is read again, and what a dead predecessor had in flight
 * comes at once and in order instead of after the ack wait.
 *
 * @param stream        the stream (resolved by {@link JetStreamSupport#streamState})
 * @param filterSubject the subject filter, wildcards allowed
 * @param durableName   the consumer's durable name (letters, digits, - and _)
 * @param resumeAfter   the last stream sequence already finished, or null
 * @param fromStart     where a new consumer without {@code resumeAfter} starts: true for the stream's first
 *                      message, false for the next one published
 * @param maxInFlight   how many deliveries the caller holds unsettled at most; sizes pulls and, unless
 *                      {@code nats.consumer.max.ack.pending} is set, the consumer's {@code max_ack_pending}
 */
public record ConsumerSpec(String stream, String filterSubject, String durableName, Long resumeAfter,
                           boolean fromStart, int maxInFlight) {

    public ConsumerSpec {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(filterSubject, "filterSubject");
        Objects.requireNonNull(durableName, "durableName");
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1: " + maxInFlight);
        }
    }

    /** {@code filterSubject[durableName]}, for logs. */
    public String describe() {
        return filterSubject + "[" + durableName + "]";
    }
}
