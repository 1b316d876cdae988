package io.relaybus.api;

/**
 * Counters and latencies of one bus since it was opened. A snapshot: values do not change after it was taken.
 *
 * @param published        events handed to {@code publish}
 * @param acknowledged     publishes the broker accepted
 * @param publishFailed    publishes that completed exceptionally
 * @param consumed         events taken in by subscriptions (each delivery, redeliveries included)
 * @param handled          events whose handler returned normally
 * @param handlerFailures  handler calls that threw
 * @param retried          retries scheduled after a failure
 * @param deadLettered     events sent to a dead-letter topic
 * @param publishLatency   time from {@code publish} to the broker's acknowledgement
 * @param endToEndLatency  time from the event's timestamp to the start of its successful handling
 */
public record MetricsSnapshot(long published, long acknowledged, long publishFailed, long consumed, long handled,
                              long handlerFailures, long retried, long deadLettered, Latency publishLatency,
                              Latency endToEndLatency, Batches batches) {

    /**
     * Batches handled successfully by batch subscriptions: how many, their sizes and how long the handler took.
     *
     * @param count            batches handled
     * @param p50Size          median events per batch
     * @param maxSize          largest batch
     * @param handlingTime     handler time per batch, in microseconds
     */
    public record Batches(long count, long p50Size, long maxSize, Latency handlingTime) {
        public static final Batches EMPTY = new Batches(0, 0, 0, Latency.EMPTY);
    }

    /**
     * A latency distribution in microseconds.
     */
    public record Latency(long count, long p50Micros, long p99Micros, long p999Micros, long maxMicros) {
        public static final Latency EMPTY = new Latency(0, 0, 0, 0, 0);
    }
}
