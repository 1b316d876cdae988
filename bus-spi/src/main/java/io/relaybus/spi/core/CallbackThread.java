package io.relaybus.spi.core;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One thread that runs tasks in the order they were handed over: where a transport completes publish futures, so
 * that what applications chain onto them never runs on (and never stalls) a client library's I/O or reply thread.
 *
 * <p>Why not a single-thread {@code ThreadPoolExecutor}: it takes a lock and may wake its thread for every task, and
 * completions come one per acknowledged event, tens of thousands per second. Here handing over is one lock-free
 * enqueue, and the thread is woken only when it had gone to sleep on an empty queue; while acknowledgements keep
 * coming it never sleeps. Measured with JFR on the NATS transport at ~60,000 acknowledgements/s: the executor's
 * {@code execute} alone was 4% of the JVM's samples.
 *
 * <p>Nothing is lost: a task that throws is logged and the thread goes on; {@link #close()} lets the thread run what
 * was queued, and tasks handed over after that run on the calling thread.
 *
 * <p>Threading: {@link #execute} may be called from any thread.
 */
public final class CallbackThread implements Executor, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(CallbackThread.class.getName());
    /** Upper bound of one sleep: a safety net only, every enqueue onto a sleeping thread wakes it. */
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean sleeping;
    private volatile boolean closed;

    /** Starts the thread (a daemon) named {@code name}. */
    public CallbackThread(String name) {
        this.thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues {@code task} behind the ones handed over before; runs it here when this was closed. */
    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (closed) {
            runQueuedHere();
        } else if (sleeping) {
            LockSupport.unpark(thread);
        }
    }

    private void loop() {
        while (true) {
            Runnable task = tasks.poll();
            if (task != null) {
                runSafely(task);
                continue;
            }
            if (closed) {
                return;
            }
            // Announce the sleep, then look again: an enqueue either happened before the look (we find it) or sees
            // the flag and wakes us. Both sides are volatile or CAS operations, so no wake-up is lost.
            sleeping = true;
            if (tasks.isEmpty() && !closed) {
                LockSupport.parkNanos(this, MAX_PARK_NANOS);
            }
            sleeping = false;
        }
    }

    private void runQueuedHere() {
        for (Runnable task; (task = tasks.poll()) != null; ) {
            runSafely(task);
        }
    }

    private static void runSafely(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "A callback failed; the callback thread goes on", t);
        }
    }

    /**
     * Lets the thread run what is queued and stop, waiting for it up to {@code timeout}; whatever is left then (or is
     * handed over later) runs on the caller. Idempotent.
     */
    public void close(Duration timeout) {
        closed = true;
        LockSupport.unpark(thread);
        if (Thread.currentThread() != thread) {
            try {
                thread.join(Math.max(1, timeout.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!thread.isAlive()) {
                runQueuedHere();
            }
        }
    }

    /** {@link #close(Duration)} with 5 seconds. */
    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
