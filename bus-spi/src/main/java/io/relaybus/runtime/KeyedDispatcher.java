package io.relaybus.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed set of worker threads, each with its own bounded queue.
 *
 * <ul>
 *   <li><b>Per-key order.</b> With {@code orderedByKey}, an item's key picks its worker ({@code hash(key) mod
 *       workers}), so items with one key are processed one at a time, in the order offered.</li>
 *   <li><b>Spreading.</b> Keyless items (and every item without {@code orderedByKey}) go round-robin to the next worker
 *       whose queue has room.</li>
 *   <li><b>Backpressure.</b> {@link #offer} never blocks: when the chosen queue is full it refuses, and the caller
 *       (a transport's intake) stops fetching and waits in {@link #awaitCapacity}; one busy worker never stalls the
 *       others.</li>
 * </ul>
 *
 * <p>Threading: {@link #offer} and {@link #awaitCapacity} may be called from any thread; the processor runs on the
 * workers. Lifecycle: created running; {@link #drain} stops it.
 *
 * @param <T> the item type
 */
public final class KeyedDispatcher<T> {

    private static final Logger LOG = LoggerFactory.getLogger(KeyedDispatcher.class);

    private final List<ArrayBlockingQueue<T>> queues;
    private final List<Thread> workers;
    private final boolean orderedByKey;
    private final Function<T, String> keyOf;
    private final Consumer<T> processor;
    private final Batching<T> batching;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition roomMade = lock.newCondition();
    private volatile boolean refused;
    private volatile long roomSignals;
    /** Per offering thread: the room-signal count at its last refused offer, and whether it is still unwaited. */
    private final ThreadLocal<long[]> lastRefusal = ThreadLocal.withInitial(() -> new long[2]);
    private volatile boolean closed;
    private volatile boolean stopped;

    /**
     * @param name          used in thread names
     * @param workers       number of worker threads
     * @param queueCapacity capacity of each worker's queue
     * @param orderedByKey  whether a key pins items to one worker
     * @param keyOf         the key of an item, or null for none
     * @param processor     runs each item; an exception it throws is logged and the worker goes on
     */
    public KeyedDispatcher(String name, int workers, int queueCapacity, boolean orderedByKey, Function<T, String> keyOf,
                           Consumer<T> processor) {
        this(name, workers, queueCapacity, orderedByKey, keyOf, processor, null);
    }

    /**
     * A dispatcher whose workers process items in batches: each worker takes what its queue holds, up to
     * {@code maxItems} items and {@code maxBytes} bytes (one larger item still makes a batch of one), waiting up to
     * {@code maxWait} after the first item for more. Batches hold one worker's items in queue order, so per-key order
     * holds inside and across batches.
     *
     * @param sizeOf    an item's size in bytes
     * @param processor runs each batch; an exception it throws is logged and the worker goes on
     */
    public static <T> KeyedDispatcher<T> batching(String name, int workers, int queueCapacity, boolean orderedByKey,
                                                  Function<T, String> keyOf, int maxItems, long maxBytes,
                                                  Duration maxWait, ToLongFunction<T> sizeOf,
                                                  Consumer<List<T>> processor) {
        if (maxItems < 1 || maxBytes < 1 || maxWait.isNegative()) {
            throw new IllegalArgumentException("maxItems and maxBytes must be positive and maxWait not negative");
        }
        return new KeyedDispatcher<>(name, workers, queueCapacity, orderedByKey, keyOf, null,
                new Batching<>(maxItems, maxBytes, maxWait.toNanos(), sizeOf, processor));
    }

    private record Batching<T>(int maxItems, long maxBytes, long maxWaitNanos, ToLongFunction<T> sizeOf,
                               Consumer<List<T>> processor) {
    }

    private KeyedDispatcher(String name, int workers, int queueCapacity, boolean orderedByKey,
                            Function<T, String> keyOf, Consumer<T> processor, Batching<T> batching) {
        if (workers < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("workers and queueCapacity must be positive: " + workers + ", " + queueCapacity);
        }
        this.orderedByKey = orderedByKey;
        this.keyOf = keyOf;
        this.processor = processor;
        this.batching = batching;
        this.queues = new ArrayList<>(workers);
        this.workers = new ArrayList<>(workers);
        for (int i = 0; i < workers; i++) {
            ArrayBlockingQueue<T> q = new ArrayBlockingQueue<>(queueCapacity);
            queues.add(q);
            Runnable loop = batching == null ? () -> work(q) : () -> workBatches(q);
            Thread t = new Thread(loop, "relaybus-" + name + "-worker-" + i);
            t.setDaemon(true);
            this.workers.add(t);
        }
        this.workers.forEach(Thread::start);
    }

    /** Hands {@code item} to its worker, or returns false at once when that worker's queue is full or draining began. */
    public boolean offer(T item) {
        if (closed) {
            return false;
        }
        String key = orderedByKey ? keyOf.apply(item) : null;
        int n = queues.size();
        if (key != null) {
            ArrayBlockingQueue<T> q = queues.get(Math.floorMod(spread(key.hashCode()), n));
            return offerTo(q, item) || refusedThenRetry(q, item);
        }
        int start = Math.floorMod(next.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            if (offerTo(queues.get((start + i) % n), item)) {
                return true;
            }
        }
        return refusedThenRetry(queues.get(start), item);
    }

    private boolean offerTo(ArrayBlockingQueue<T> q, T item) {
        inFlight.incrementAndGet();
        if (q.offer(item)) {
            return true;
        }
        inFlight.decrementAndGet();
        return false;
    }

    /**
     * Marks the refusal so the next take signals, then tries once more: a take that happened before the mark made room
     * that this retry finds, and one after it wakes {@link #awaitCapacity}. No wake-up is lost.
     */
    private boolean refusedThenRetry(ArrayBlockingQueue<T> q, T item) {
        refused = true;
        long[] refusal = lastRefusal.get();
        refusal[0] = roomSignals;
        refusal[1] = 1;
        if (offerTo(q, item)) {
            refusal[1] = 0;
            return true;
        }
        return false;
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }

    /**
     * Waits for room, or until the timeout passed; returns true when room was made.
     *
     * <p>After a refused {@link #offer} on this thread: waits until a worker took an item after that refusal (the
     * refused item's queue may be the only full one, so free room elsewhere does not count). Otherwise: returns at
     * once when any queue has room, else waits for the next take. Either way no wake-up is lost: the wait is armed
     * (the {@code refused} mark) before the state it depends on is read.
     */
    public boolean awaitCapacity(long timeout, TimeUnit unit) throws InterruptedException {
        long[] refusal = lastRefusal.get();
        long seen;
        if (refusal[1] == 1) {
            refusal[1] = 0;
            seen = refusal[0];
        } else {
            refused = true;
            seen = roomSignals;
            if (remainingCapacity() > 0) {
                return true;
            }
        }
        long nanos = unit.toNanos(timeout);
        lock.lock();
        try {
            while (roomSignals == seen && !closed) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = roomMade.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Free slots over all queues together. */
    public int remainingCapacity() {
        int sum = 0;
        for (ArrayBlockingQueue<T> q : queues) {
            sum += q.remainingCapacity();
        }
        return sum;
    }

    /** Items accepted and not yet processed (queued or running). */
    public int inFlight() {
        return inFlight.get();
    }

    public int workerCount() {
        return workers.size();
    }

    /**
     * The worker loop. Only {@link #drain} ends it: an interrupt a processor left behind (a handler interrupted by a
     * watchdog, or restoring the flag) is cleared so the next {@code take()} does not throw and strand the queue.
     */
    private void work(ArrayBlockingQueue<T> q) {
        while (!stopped) {
            T item;
            try {
                item = q.take();
            } catch (InterruptedException e) {
                continue;   // stopped: the loop ends; otherwise a stray interrupt, already cleared by take()
            }
            if (refused) {
                signalRoom();
            }
            try {
                processor.accept(item);
            } catch (Throwable t) {
                LOG.error("Dispatcher processor failed; the worker goes on", t);
            } finally {
                inFlight.decrementAndGet();
                if (!stopped) {
                    Thread.interrupted();
                }
            }
        }
    }

    /** The batch worker loop: like {@link #work}, a batch at a time. */
    private void workBatches(ArrayBlockingQueue<T> q) {
        List<T> batch = new ArrayList<>(Math.min(batching.maxItems(), 1024));
        T carry = null;   // taken while filling the previous batch, but over its byte bound
        while (!stopped) {
            T first = carry;
            carry = null;
            if (first == null) {
                try {
                    first = q.take();
                } catch (InterruptedException e) {
                    continue;
                }
            }
            batch.add(first);
            long bytes = batching.sizeOf().applyAsLong(first);
            long deadline = System.nanoTime() + batching.maxWaitNanos();
            while (batch.size() < batching.maxItems() && bytes < batching.maxBytes()) {
                T next = q.poll();
                if (next == null) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || closed) {
                        break;
                    }
                    try {
                        next = q.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(10)), TimeUnit.NANOSECONDS);
                    } catch (InterruptedException e) {
                        if (stopped) {
                            break;
                        }
                        continue;
                    }
                    if (next == null) {
                        continue;
                    }
                }
                long size = batching.sizeOf().applyAsLong(next);
                if (bytes + size > batching.maxBytes()) {
                    carry = next;
                    break;
                }
                batch.add(next);
                bytes += size;
            }
            if (refused) {
                signalRoom();
            }
            if (stopped) {
                break;   // abandoned with the rest: never processed, so the broker delivers them again
            }
            int n = batch.size();
            try {
                batching.processor().accept(batch);
            } catch (Throwable t) {
                LOG.error("Dispatcher batch processor failed; the worker goes on", t);
            } finally {
                batch = new ArrayList<>(Math.min(batching.maxItems(), 1024));
                inFlight.addAndGet(-n);
                if (!stopped) {
                    Thread.interrupted();
                }
            }
        }
    }

    /**
     * True once {@link #drain} gave up waiting and stopped the workers: an interrupt a worker sees from then on means
     * "stop now". Before that, an interrupt on a worker is a stray one.
     */
    public boolean abandoned() {
        return stopped;
    }

    /** Whether {@code thread} is one of this dispatcher's workers. */
    public boolean isWorker(Thread thread) {
        return workers.contains(thread);
    }

    private void signalRoom() {
        lock.lock();
        try {
            refused = false;
            roomSignals++;
            roomMade.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Refuses new items, waits until every accepted item was processed or the timeout passed, then stops the workers
     * (interrupting a handler still running after the timeout). Returns whether everything was processed. Idempotent.
     * Must not be called from a worker, which would wait for itself.
     */
    public boolean drain(Duration timeout) {
        closed = true;
        signalRoom();
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean drained = true;
        while (inFlight.get() > 0) {
            if (System.nanoTime() > deadline) {
                drained = false;
                break;
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                drained = false;
                break;
            }
        }
        stopped = true;   // queued items not processed by now are abandoned: never acknowledged, so redelivered
        workers.forEach(Thread::interrupt);
        for (Thread t : workers) {
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return drained;
    }
}
