package io.relaybus.spi.support;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
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
 * <p><b>Backpressure.</b> {@link #put} blocks while the queue is full, by count or by bytes, up to its timeout, which
 * is how a full queue slows down the producing thread (and, behind it, the broker's delivery). The byte bound keeps
 * memory bounded whatever the item size.
 *
 * <p>Threading: any number of producers and consumers.
 *
 * @param <T> the item type
 */
public final class BatchQueue<T> {

    private final ArrayDeque<T> queue = new ArrayDeque<>();
    private final int capacity;
    private final long maxBytes;
    private final ToLongFunction<T> sizeOf;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private long bytes;

    /**
     * @param capacity how many items may wait at most
     * @param maxBytes how many bytes may wait at most (one item is always let in, however large, so that an item
     *                 bigger than this cannot block forever)
     * @param sizeOf   an item's size in bytes
     */
    public BatchQueue(int capacity, long maxBytes, ToLongFunction<T> sizeOf) {
        if (capacity < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("capacity and maxBytes must be positive: " + capacity + ", " + maxBytes);
        }
        this.capacity = capacity;
        this.maxBytes = maxBytes;
        this.sizeOf = sizeOf;
    }

    /** Queues {@code item}, waiting up to {@code timeout} for room (by count and bytes); false when there was none. */
    public boolean put(T item, long timeout, TimeUnit unit) throws InterruptedException {
        long size = sizeOf.applyAsLong(item);
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (queue.size() >= capacity || (!queue.isEmpty() && bytes + size > maxBytes)) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = notFull.awaitNanos(nanos);
            }
            queue.add(item);
            bytes += size;
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits up to {@code timeout} for an item, then takes what else is queued, at most {@code maxCount} items and
     * stopping once the batch reached {@code maxBatchBytes}; with a positive {@code lingerNanos}, waits up to that long
     * after the first item for the batch to fill. Returns an empty list when nothing came within the timeout.
     */
    public List<T> takeBatch(int maxCount, long maxBatchBytes, long lingerNanos, long timeout, TimeUnit unit)
            throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (queue.isEmpty()) {
                if (nanos <= 0) {
                    return List.of();
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            List<T> batch = new ArrayList<>(Math.min(maxCount, Math.max(queue.size(), 16)));
            long batchBytes = 0;
            long lingerDeadline = System.nanoTime() + lingerNanos;
            while (batch.size() < maxCount && batchBytes < maxBatchBytes) {
                if (queue.isEmpty()) {
                    long left = lingerDeadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    notFull.signalAll();   // what was taken so far made room: let producers fill the batch
                    notEmpty.awaitNanos(left);
                    continue;
                }
                T item = queue.poll();
                long size = sizeOf.applyAsLong(item);
                bytes -= size;
                batchBytes += size;
                batch.add(item);
            }
            notFull.signalAll();
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /** Takes everything queued now, without waiting (for example to hand it back when stopping). */
    public List<T> drain() {
        lock.lock();
        try {
            List<T> all = new ArrayList<>(queue);
            queue.clear();
            bytes = 0;
            notFull.signalAll();
            return all;
        } finally {
            lock.unlock();
        }
    }

    /** How many more items fit now, by count (the byte bound may still refuse a large one). */
    public int remainingCapacity() {
        return capacity - size();
    }

    /** Waits up to {@code timeout} until an item fits by count; returns whether one does. */
    public boolean awaitRoom(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (queue.size() >= capacity) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = notFull.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Items waiting now. */
    public int size() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }
}
