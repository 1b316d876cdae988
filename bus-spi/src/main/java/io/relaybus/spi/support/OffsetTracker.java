package io.relaybus.spi.support;

/**
 * Tracks which offsets of one partition are being handled and how far the acknowledged prefix reaches, so that a
 * commit never passes an event that is still being handled (Kafka's commit semantics: the committed offset is the
 * next one to read).
 *
 * <p>Example: offsets 10..14 handed out, 10, 11 and 13 acknowledged: {@link #committable()} is 12, because 12 is
 * still in flight; once 12 is acknowledged it is 14.
 *
 * <p>Offsets need not be consecutive. Only the offsets handed out and not yet acknowledged are remembered, never the
 * offsets between them: a compacted or transactional topic can skip millions of offsets (removed records,
 * transaction markers), and an offset never handed out holds no event. Example: the tracker starts at 10; 10, 11 and
 * 5000000 are handed out; 11 and 5000000 are acknowledged: the commit point is 10; once 10 is acknowledged it is
 * 5000001. Memory and time depend on how many offsets are being handled, not on the gaps.
 *
 * <p>Thread safe (synchronized: called once per hand-out, acknowledgement and commit, far from contended).
 */
public final class OffsetTracker {

    /** Offsets handed out and not acknowledged yet. */
    private final PendingOffsets pending = new PendingOffsets();
    /** Every offset below it was handed out, or holds no event. */
    private long handedOutTo;

    /** @param start the first offset that may be handed out: the commit point until something is handed out */
    public OffsetTracker(long start) {
        this.handedOutTo = start;
    }

    /**
     * Records that {@code offset} was handed out for handling, before anything can acknowledge it. Offsets are given
     * in increasing order; those skipped since the last one hold no event and are passed over.
     */
    public synchronized void started(long offset) {
        pending.add(offset);
        handedOutTo = Math.max(handedOutTo, offset + 1);
    }

    /** Records that {@code offset} was acknowledged (handled or dead-lettered); a repeated one changes nothing. */
    public synchronized void acknowledged(long offset) {
        pending.remove(offset);
    }

    /** The offset to commit: every offset below it is acknowledged or holds no event. */
    public synchronized long committable() {
        return pending.isEmpty() ? handedOutTo : pending.first();
    }

    /** How many handed-out offsets are not acknowledged yet. */
    public synchronized long pending() {
        return pending.size();
    }

    /** How many offsets this tracker remembers: those being handled, never the offsets between them. */
    synchronized int tracked() {
        return pending.size();
    }
}
