package io.relaybus.runtime;

import io.relaybus.api.MetricsSnapshot;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters and latency histograms behind {@link io.relaybus.api.EventBus#metrics()}. Recording is lock-free and
 * safe from any thread; {@link #snapshot()} may run concurrently with recording.
 */
final class BusMetrics {

    private static final long MAX_MICROS = TimeUnit.HOURS.toMicros(1);

    final LongAdder published = new LongAdder();
    final LongAdder acknowledged = new LongAdder();
    final LongAdder publishFailed = new LongAdder();
    final LongAdder consumed = new LongAdder();
    final LongAdder handled = new LongAdder();
    final LongAdder handlerFailures = new LongAdder();
    final LongAdder retried = new LongAdder();
    final LongAdder deadLettered = new LongAdder();
    private final Histogram publishLatency = new ConcurrentHistogram(MAX_MICROS, 2);
    private final Histogram endToEndLatency = new ConcurrentHistogram(MAX_MICROS, 2);
    /** Created with the first batch: single-event subscriptions pay nothing for them. */
    private volatile Histogram batchSizes;
    private volatile Histogram batchHandlingTime;

    public void published() {
        published.increment();
    }

    public void acknowledged(long startNanos) {
        acknowledged.increment();
        publishLatency.recordValue(clamp((System.nanoTime() - startNanos) / 1000));
    }

    public void publishFailed() {
        publishFailed.increment();
    }

    public void consumed() {
        consumed.increment();
    }

    /** {@code count} events were consumed at once (a batch): one update instead of one per event. */
    public void consumed(int count) {
        consumed.add(count);
    }

    public void handled(long eventTimestampMicros, long nowMicros) {
        handled.increment();
        endToEndLatency.recordValue(clamp(nowMicros - eventTimestampMicros));
    }

    public void handlerFailed() {
        handlerFailures.increment();
    }

    public void retried() {
        retried.increment();
    }

    public void deadLettered() {
        deadLettered.increment();
    }

    /** A batch of {@code size} events was handled successfully in {@code nanos}. */
    public void batchHandled(int size, long nanos) {
        if (batchSizes == null) {
            synchronized (this) {
                if (batchSizes == null) {
                    batchHandlingTime = new ConcurrentHistogram(MAX_MICROS, 2);
                    batchSizes = new ConcurrentHistogram(Integer.MAX_VALUE, 2);
                }
            }
        }
        batchHandlingTime.recordValue(clamp(nanos / 1000));
        batchSizes.recordValue(size);
    }

    private static long clamp(long micros) {
        return Math.max(0, Math.min(MAX_MICROS, micros));
    }

    public MetricsSnapshot snapshot() {
        return new MetricsSnapshot(published.sum(), acknowledged.sum(), publishFailed.sum(), consumed.sum(),
                handled.sum(), handlerFailures.sum(), retried.sum(), deadLettered.sum(), latency(publishLatency),
                latency(endToEndLatency), batches());
    }

    private MetricsSnapshot.Batches batches() {
        Histogram sizes = batchSizes;
        if (sizes == null) {
            return MetricsSnapshot.Batches.EMPTY;
        }
        Histogram copy = sizes.copy();
        return new MetricsSnapshot.Batches(copy.getTotalCount(), copy.getValueAtPercentile(50), copy.getMaxValue(),
                latency(batchHandlingTime));
    }

    private static MetricsSnapshot.Latency latency(Histogram h) {
        Histogram copy = h.copy();
        if (copy.getTotalCount() == 0) {
            return MetricsSnapshot.Latency.EMPTY;
        }
        return new MetricsSnapshot.Latency(copy.getTotalCount(), copy.getValueAtPercentile(50),
                copy.getValueAtPercentile(99), copy.getValueAtPercentile(99.9), copy.getMaxValue());
    }
}
