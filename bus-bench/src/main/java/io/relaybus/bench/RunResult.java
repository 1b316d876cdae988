package io.relaybus.bench;

import java.util.List;
import java.util.Map;

/**
 * What one target measured in one run. Throughputs and ratios are {@code null} when they cannot be computed (no
 * elapsed time, nothing acknowledged): never infinite, never NaN.
 *
 * @param kind                  "bus" or "raw"
 * @param openMillis            connecting: opening the bus, creating the raw producer (and its first metadata)
 * @param subscribeReadyMillis  subscribe until the subscription is live (group joined, partitions positioned)
 * @param firstEventMillis      after ready, one publish until its handler ran; null when it never did
 * @param idleEventMillis       median latency of single events published on the warm, idle subscription after the
 *                              measured phase; null when one was lost
 * @param publishElapsedNanos   first measured publish to last acknowledgement
 * @param endToEndElapsedNanos  first measured publish to last unique delivery
 * @param ackThroughput         acknowledged publishes per second over {@code publishElapsedNanos}
 * @param endToEndThroughput    unique events handled per second over {@code endToEndElapsedNanos}
 * @param successRate           unique events handled / events published (measured phase)
 * @param cpuNanos              CPU time of this whole JVM (all threads, GC included; an embedded Kafka broker is a
 *                              separate process and not included) during the measured phase
 * @param brokerCpuNanos        CPU time of the broker processes started by the bench (Kafka, nats-server, both for
 *                              the bridge) during the measured phase; -1 for external brokers: what the broker spends
 *                              on the same events for this client, so a client that makes the broker work harder shows
 * @param timeline              acknowledged and handled counts sampled every 100 ms
 * @param marks                 what happened to the brokers during the measured phase ({@code --failover}: the kill
 *                              and the node's return), drawn on the throughput chart; empty otherwise
 * @param memory                heap allocation and garbage collection of this JVM during the measured phase
 * @param rounds                with several {@code --rounds}, each round's value of each metric (by
 *                              {@link BenchReport.Metric#key()}, in the order the rounds ran) of which this run is the
 *                              median; empty for a single round
 */
record RunResult(String kind, String description, Map<String, String> settings, String mode, double targetRate,
                 long events, int size, long warmup, double openMillis, double subscribeReadyMillis, Double firstEventMillis,
                 Double idleEventMillis,
                 long acked, long publishFailed, long unique, long duplicates, long foreign,
                 long publishElapsedNanos, long endToEndElapsedNanos, Double ackThroughput, Double endToEndThroughput,
                 double successRate, Latency endToEnd, Latency ack, List<Bucket> endToEndHistogram,
                 List<Bucket> ackHistogram, List<Sample> timeline, long cpuNanos, Double eventsPerCpuSecond,
                 long brokerCpuNanos, Double eventsPerBrokerCpuSecond, List<String> notes, List<Mark> marks,
                 Memory memory, Map<String, List<Double>> rounds) {

    /**
     * Heap allocation (all threads of this JVM; -1 when the JVM does not count it) and garbage collections (all
     * collectors) over the measured phase; {@code allocatedBytesPerEvent} is over the unique events handled.
     * {@code jitMillis}: what the JIT compiler spent meanwhile ({@link JitClock}; -1 when the JVM does not say), part
     * of the CPU time, and a sign that the run was measured while code was still being compiled.
     */
    record Memory(long allocatedBytes, Double allocatedBytesPerEvent, long gcCount, long gcMillis, long jitMillis) {
    }

    /** This run with {@code rounds} and {@code notes} replaced. */
    RunResult withRounds(Map<String, List<Double>> perRound, List<String> newNotes) {
        return new RunResult(kind, description, settings, mode, targetRate, events, size, warmup, openMillis,
                subscribeReadyMillis, firstEventMillis, idleEventMillis, acked, publishFailed, unique, duplicates,
                foreign, publishElapsedNanos, endToEndElapsedNanos, ackThroughput, endToEndThroughput, successRate,
                endToEnd, ack, endToEndHistogram, ackHistogram, timeline, cpuNanos, eventsPerCpuSecond, brokerCpuNanos,
                eventsPerBrokerCpuSecond, newNotes, marks, memory, perRound);
    }

    /** A latency distribution in microseconds; all zero when {@code count} is 0. */
    record Latency(long count, double p50, double p90, double p99, double p999, double max, double mean) {
    }

    /** Events whose latency was in ({@code fromMicros}, {@code toMicros}]. */
    record Bucket(double fromMicros, double toMicros, long count) {
    }

    /** Something that happened {@code millis} after the first measured publish, e.g. "kill -9 node 2". */
    record Mark(long millis, String label) {
    }

    /** Counts at {@code millis} after the first measured publish. */
    record Sample(long millis, long acked, long handled) {
    }
}
