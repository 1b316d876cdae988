package io.relaybus.spi.support;

import io.relaybus.spi.TransportSubscription;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A subscription fed by an intake loop of its own: the {@link #ready()} future and the pause and stop switches.
 * {@link #pause}, {@link #resume} and {@link #stopIntake} may be called from any thread; the loop reads
 * {@link #paused()} and {@link #stopped()} and may wait with {@link #awaitResumed} or {@link #sleep}, which return
 * early when the intake is resumed or stopped. Stopping is final. The subclass completes {@link #ready()} once the
 * broker confirmed the subscription, or completes it exceptionally when it cannot.
 */
public abstract class SwitchedSubscription implements TransportSubscription {

    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Object lock = new Object();
    private volatile boolean paused;
    private volatile boolean stopped;

    @Override
    public final CompletableFuture<Void> ready() {
        return ready;
    }

    /** Whether the intake is paused now. */
    public final boolean paused() {
        return paused;
    }

    /** Whether the intake was stopped; once true, true for good. */
    public final boolean stopped() {
        return stopped;
    }

    @Override
    public void pause() {
        paused = true;
    }

    @Override
    public void resume() {
        synchronized (lock) {
            paused = false;
            lock.notifyAll();
        }
    }

    /** Stops the intake loop (it returns from its waits at once); a subclass may also release what feeds it. */
    @Override
    public void stopIntake() {
        stopped = true;
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    /** Waits while paused and not stopped, looking again at least every {@code checkMillis}. */
    protected final void awaitResumed(long checkMillis) throws InterruptedException {
        synchronized (lock) {
            while (paused && !stopped) {
                lock.wait(checkMillis);
            }
        }
    }

    /** Waits {@code millis}, or less when the intake is stopped meanwhile. */
    protected final void sleep(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (lock) {
            for (long left = millis; left > 0 && !stopped; ) {
                lock.wait(left);
                left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            }
        }
    }
}
