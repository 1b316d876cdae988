package io.relaybus.spi.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accumulates items and hands them on in batches: when {@code maxCount} items or {@code maxBytes} bytes are
 * buffered, or {@code linger} after the first item of a batch arrived, whichever comes first; {@link #close()}
 * flushes what is left. A zero linger hands every item on at once (no added latency).
 *
 * <p>Threading: {@link #add} may be called from any thread. The flusher runs on the thread whose add filled the batch
 * or on the batcher's linger thread, never on two threads at once, and batches are handed on in the order they were
 * filled, so items added by one thread stay in order. A flusher that blocks (a full publish window) holds up adders
 * whose add fills a batch: that is the intended backpressure.
 *
 * <p>The flusher must not throw: it owns the batch's items and must settle them (complete their futures, for
 * example) even when sending fails. An exception it throws anyway is logged, and the batch is gone.
 *
 * @param <T> the item type
 */
public final class Batcher<T> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Batcher.class);

    private final int maxCount;
    private final long maxBytes;
    private final long lingerNanos;
    private final ToLongFunction<T> sizeOf;
    private final Consumer<List<T>> flusher;
    private final Object emitLock = new Object();
    private final ScheduledExecutorService timer;
    private List<T> buffer;
    private long bytes;
    private long generation;
    private boolean closed;

    /**
     * @param name     used in the linger thread's name
     * @param sizeOf   an item's size in bytes, for {@code maxBytes}
     * @param flusher  receives each batch (a list it may keep)
     */
    public Batcher(String name, int maxCount, long maxBytes, Duration linger, ToLongFunction<T> sizeOf,
                   Consumer<List<T>> flusher) {
        if (maxCount < 1 || maxBytes < 1 || linger.isNegative()) {
            throw new IllegalArgumentException("maxCount and maxBytes must be positive and linger not negative");
        }
        this.maxCount = maxCount;
        this.maxBytes = maxBytes;
        this.lingerNanos = linger.toNanos();
        this.sizeOf = sizeOf;
        this.flusher = flusher;
        this.buffer = new ArrayList<>(Math.min(maxCount, 1024));
        this.timer = lingerNanos == 0 ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "relaybus-" + name + "-linger");
            t.setDaemon(true);
            return t;
        });
    }

    /** Adds an item; may run the flusher on this thread when the batch is full. */
    public void add(T item) {
        if (lingerNanos == 0) {
            addUnbatched(item);
            return;
        }
        boolean full;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("Batcher is closed");
            }
            buffer.add(item);
            bytes += sizeOf.applyAsLong(item);
            full = buffer.size() >= maxCount || bytes >= maxBytes;
            if (!full && buffer.size() == 1) {
                long gen = generation;
                timer.schedule(() -> flushIfGeneration(gen), lingerNanos, TimeUnit.NANOSECONDS);
            }
        }
        if (full) {
            flush();
        }
    }

    /**
     * Without linger every item is its own batch: handed on at once as a one-item list, without the buffer (a fresh
     * buffer per item was one array of up to 1024 slots per published event). Order: as {@link #flush()}, under the
     * emit lock.
     */
    private void addUnbatched(T item) {
        synchronized (emitLock) {
            synchronized (this) {
                if (closed) {
                    throw new IllegalStateException("Batcher is closed");
                }
            }
            emit(List.of(item));
        }
    }

    /** Hands on whatever is buffered now. */
    public void flush() {
        synchronized (emitLock) {
            List<T> batch = take();
            if (batch != null) {
                emit(batch);
            }
        }
    }

    private void flushIfGeneration(long gen) {
        synchronized (emitLock) {
            List<T> batch;
            synchronized (this) {
                batch = generation == gen ? take() : null;
            }
            if (batch != null) {
                emit(batch);
            }
        }
    }

    private void emit(List<T> batch) {
        try {
            flusher.accept(batch);
        } catch (RuntimeException e) {
            LOG.error("A batch flusher threw; it must settle its items itself. Batch of " + batch.size()
                    + " dropped", e);
        }
    }

    private synchronized List<T> take() {
        if (buffer.isEmpty()) {
            return null;
        }
        List<T> batch = buffer;
        buffer = new ArrayList<>(Math.min(maxCount, 1024));
        bytes = 0;
        generation++;
        return batch;
    }

    /** Items currently buffered. */
    public synchronized int size() {
        return buffer.size();
    }

    /** Flushes what is left and stops the linger thread. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        flush();
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
