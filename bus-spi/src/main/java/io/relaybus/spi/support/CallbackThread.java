package io.relaybus.spi.support;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that runs tasks in the order they were handed over: where a transport completes publish futures, so
 * that what applications chain onto them never runs on (and never stalls) a client library's I/O or reply thread.
 *
 * <p>Why not a single-thread {@code ThreadPoolExecutor}: it takes a lock and may wake its thread for every task, and
 * completions come one per acknowledged event, tens of thousands per second. Here handing over is one lock-free
 * enqueue, and the thread is woken only when it had gone to sleep on an empty queue (after a few microseconds of
 * spinning on it); while acknowledgements keep coming it never sleeps (bus-bench/RESULTS.md has the profiles that led
 * here).
 *
 * <p>Nothing is lost: a task that throws is logged and the thread goes on (an interrupt a task leaves behind is
 * cleared); {@link #close()} lets the thread run what was queued, and tasks handed over after it stopped run on the
 * calling thread.
 *
 * <p>Threading: {@link #execute} may be called from any thread.
 */
public final class CallbackThread implements Executor, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CallbackThread.class);
    /** Upper bound of one sleep: a safety net only, every enqueue onto a sleeping thread wakes it. */
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Spin-waits on an empty queue before sleeping (a few microseconds). */
    private static final int SPINS = 128;

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private final long maxParkNanos;
    private volatile boolean sleeping;
    private volatile boolean closed;
    /** Set by the thread when it stopped taking tasks (after {@link #close}). */
    private volatile boolean finished;

    /** Starts the thread (a daemon) named {@code name}. */
    public CallbackThread(String name) {
        this(name, MAX_PARK_NANOS);
    }

    /** For tests: a sleep cap long enough that a lost wake-up shows as a hang instead of a 100 ms delay. */
    CallbackThread(String name, long maxParkNanos) {
        this.maxParkNanos = maxParkNanos;
        this.thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queues {@code task} behind the ones handed over before. Once the thread has stopped (after {@link #close}),
     * runs it here instead; while a closing thread is still draining, it stays queued for that thread, in order.
     */
    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (finished) {
            runQueuedHere();
        } else if (sleeping || closed) {
            LockSupport.unpark(thread);
        }
    }

    private void loop() {
        while (true) {
            Runnable task = tasks.poll();
            if (task != null) {
                runSafely(task);
                // A task that interrupted its thread (catch and restore) must not leave us spinning: parkNanos
                // returns at once while the flag is set, and later tasks would start interrupted.
                Thread.interrupted();
                continue;
            }
            if (closed) {
                // Announce the end, then look again: a task queued before the look is run here, one queued after
                // it sees the flag and runs on its caller.
                finished = true;
                if (tasks.isEmpty()) {
                    return;
                }
                finished = false;
                continue;
            }
            // Acknowledgements come in bursts (a produce response completes its records one after another): spin a
            // few microseconds before sleeping, or each of them may cost the client's I/O thread a futex wake-up.
            if (spinUntilQueued()) {
                continue;
            }
            // Announce the sleep, then look again: an enqueue either happened before the look (we find it) or sees
            // the flag and wakes us. Both sides are volatile or CAS operations, so no wake-up is lost.
            sleeping = true;
            if (tasks.isEmpty() && !closed) {
                Thread.interrupted();   // an interrupt from outside would make every park return at once
                LockSupport.parkNanos(this, maxParkNanos);
            }
            sleeping = false;
        }
    }

    /** Spin-waits up to {@value #SPINS} times for a task or the close; true when one came. */
    private boolean spinUntilQueued() {
        for (int i = 0; i < SPINS; i++) {
            Thread.onSpinWait();
            if (!tasks.isEmpty() || closed) {
                return true;
            }
        }
        return false;
    }

    /** For tests. */
    Thread thread() {
        return thread;
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
            LOG.error("A callback failed; the callback thread goes on", t);
        }
    }

    /**
     * Lets the thread run what is queued and stop, waiting for it up to {@code timeout}. If it stopped, what was queued
     * meanwhile runs on the caller, and so does what is handed over later; if it is still busy (a callback that does
     * not return), it keeps the queue and runs it in order when it can. Idempotent.
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
            if (finished) {
                runQueuedHere();   // queued between the thread's last look and now
            }
        }
    }

    /** {@link #close(Duration)} with 5 seconds. */
    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
