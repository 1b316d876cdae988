package io.relaybus.bench;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Counts and times one run's events. Thread safe: acknowledgements and deliveries arrive on client threads.
 *
 * <p>Duplicates are detected per sequence number with a bitmap (allocated in chunks as sequence numbers arrive, so a
 * {@code --duration} run, whose count is not known in advance, costs what it publishes), so "handled" always means
 * unique events, and a redelivered event is counted once as a duplicate, never as throughput. Latencies are kept in
 * nanoseconds in HdrHistograms with 3 significant digits.
 */
final class Recorder {

    /** Sequence numbers per bitmap chunk (a chunk is 16 KiB). */
    private static final int CHUNK_BITS = 1 << 17;

    private final long events;
    private final AtomicReferenceArray<AtomicLongArray> seen;
    private final AtomicLong unique = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong foreign = new AtomicLong();
    private final AtomicLong warmupHandled = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong lastAckNanos = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong lastHandledNanos = new AtomicLong(Long.MIN_VALUE);
    private final ConcurrentHistogram endToEnd = new ConcurrentHistogram(3);
    private final ConcurrentHistogram ackLatency = new ConcurrentHistogram(3);
    private final CountDownLatch first = new CountDownLatch(1);
    private volatile long firstHandledNanos;
    private volatile Throwable firstError;
    private volatile long probeSeq = -1;
    private volatile long probeNanos = -1;
    private volatile CountDownLatch probeLatch;

    Recorder(long events) {
        this.events = events;
        this.seen = new AtomicReferenceArray<>((int) ((events + CHUNK_BITS - 1) / CHUNK_BITS));
    }

    /** A delivered payload; called by the target's receiver threads. */
    void onEvent(byte[] payload) {
        long now = System.nanoTime();
        switch (Payload.phase(payload)) {
            case Payload.MEASURED -> onMeasured(payload, now);
            case Payload.WARMUP -> warmupHandled.incrementAndGet();
            case Payload.FIRST -> {
                if (first.getCount() > 0) {
                    firstHandledNanos = now;
                    first.countDown();
                }
            }
            case Payload.PROBE -> {
                long seq = Payload.seq(payload);
                if (seq == probeSeq) {
                    probeNanos = now - Payload.sendNanos(payload);
                    CountDownLatch latch = probeLatch;
                    if (latch != null) {
                        latch.countDown();
                    }
                }
            }
            default -> foreign.incrementAndGet();
        }
    }

    /** Arms the recorder for probe {@code seq}; returns the latch its delivery counts down. */
    CountDownLatch armProbe(long seq) {
        probeNanos = -1;
        probeSeq = seq;
        CountDownLatch latch = new CountDownLatch(1);
        probeLatch = latch;
        return latch;
    }

    /** Latency of the last armed probe in nanoseconds, or -1 when it has not arrived. */
    long probeNanos() {
        return probeNanos;
    }

    private void onMeasured(byte[] payload, long now) {
        long seq = Payload.seq(payload);
        if (seq < 0 || seq >= events) {
            foreign.incrementAndGet();
            return;
        }
        AtomicLongArray chunk = chunk((int) (seq / CHUNK_BITS));
        int word = (int) ((seq % CHUNK_BITS) >>> 6);
        long bit = 1L << (seq & 63);
        long old;
        do {
            old = chunk.get(word);
            if ((old & bit) != 0) {
                duplicates.incrementAndGet();
                return;
            }
        } while (!chunk.compareAndSet(word, old, old | bit));
        endToEnd.recordValue(Math.max(0, now - Payload.sendNanos(payload)));
        unique.incrementAndGet();
        lastHandledNanos.accumulateAndGet(now, Math::max);
    }

    private AtomicLongArray chunk(int index) {
        AtomicLongArray chunk = seen.get(index);
        if (chunk == null) {
            seen.compareAndSet(index, null, new AtomicLongArray(CHUNK_BITS / 64));
            chunk = seen.get(index);
        }
        return chunk;
    }

    /** The acknowledgement (or failure) of a measured publish sent at {@code sendNanos}. */
    void onAck(long sendNanos, Throwable error) {
        long now = System.nanoTime();
        if (error != null) {
            failed.incrementAndGet();
            return;
        }
        ackLatency.recordValue(Math.max(0, now - sendNanos));
        lastAckNanos.accumulateAndGet(now, Math::max);
        acked.incrementAndGet();
    }

    void onFirstPublishFailed(Throwable error) {
        firstError = error;
        first.countDown();
    }

    CountDownLatch firstLatch() {
        return first;
    }

    long firstHandledNanos() {
        return firstHandledNanos;
    }

    Throwable firstError() {
        return firstError;
    }

    long unique() {
        return unique.get();
    }

    long duplicates() {
        return duplicates.get();
    }

    long foreign() {
        return foreign.get();
    }

    long warmupHandled() {
        return warmupHandled.get();
    }

    long acked() {
        return acked.get();
    }

    long failed() {
        return failed.get();
    }

    /** System.nanoTime() of the last acknowledgement, or Long.MIN_VALUE when there was none. */
    long lastAckNanos() {
        return lastAckNanos.get();
    }

    /** System.nanoTime() of the last unique measured delivery, or Long.MIN_VALUE when there was none. */
    long lastHandledNanos() {
        return lastHandledNanos.get();
    }

    Histogram endToEnd() {
        return endToEnd.copy();
    }

    Histogram ackLatency() {
        return ackLatency.copy();
    }
}
