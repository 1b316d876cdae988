package io.relaybus.spi.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * A bounded queue whose consumer takes batches: the pull-side counterpart of {@link Batcher}, for consumers that ask
 * for work when they are ready (a Kafka Connect {@code SourceTask.poll()}, for example).
 *
 * <p><b>Natural batching.</b> {@link #takeBatch} waits for the first item only, then takes whatever else is already
 * queued, up to a count and a byte size. Under load, items pile up while the consumer is busy with the previous
 * batch, so batches grow by themselves; when traffic is light, an item is handed over as soon as the consumer asks,
 * instead of waiting for a batch to fill or a linger to pass. A linger can still be asked for: the batch then waits
 * up to that long after its first item for more.
 *
 * <p><b>Backpressure.</b> {@link #put} blocks while the queue is full, up to its timeout, which is how a full queue
 * slows down the producing thread (and, behind it, the broker's delivery).
 *
 * <p>Threading: any number of producers and consumers.
 *
 * @param <T> the item type
 */
public final class BatchQueue<T> {

    private final ArrayBlockingQueue<T> queue;
    private final ToLongFunction<T> sizeOf;

    /**
     * @param capacity how many items may wait at most
     * @param sizeOf   an item's size in bytes, for the byte bound of a batch
     */
    public BatchQueue(int capacity, ToLongFunction<T> sizeOf) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.sizeOf = sizeOf;
    }

    /** Queues {@code item}, waiting up to {@code timeout} for room; false when there was none. */
    public boolean put(T item, long timeout, TimeUnit unit) throws InterruptedException {
        return queue.offer(item, timeout, unit);
    }

    /**
     * Waits up to {@code timeout} for an item, then takes what else is queued, at most {@code maxCount} items and
     * stopping once the batch reached {@code maxBytes}; with a positive {@code linger}, waits up to that long after the
     * first item for the batch to fill. Returns an empty list when nothing came within the timeout.
     */
    public List<T> takeBatch(int maxCount, long maxBytes, long lingerNanos, long timeout, TimeUnit unit)
            throws InterruptedException {
        T first = queue.poll(timeout, unit);
        if (first == null) {
            return List.of();
        }
        List<T> batch = new ArrayList<>(Math.min(maxCount, 1024));
        batch.add(first);
        long bytes = sizeOf.applyAsLong(first);
        long lingerDeadline = System.nanoTime() + lingerNanos;
        while (batch.size() < maxCount && bytes < maxBytes) {
            T next = queue.poll();
            if (next == null) {
                long left = lingerDeadline - System.nanoTime();
                if (left <= 0 || (next = queue.poll(left, TimeUnit.NANOSECONDS)) == null) {
                    break;
                }
            }
            batch.add(next);
            bytes += sizeOf.applyAsLong(next);
        }
        return batch;
    }

    /** Takes everything queued now, without waiting (for example to hand it back when stopping). */
    public List<T> drain() {
        List<T> all = new ArrayList<>();
        queue.drainTo(all);
        return all;
    }

    /** Items waiting now. */
    public int size() {
        return queue.size();
    }
}
