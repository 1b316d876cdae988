package io.relaybus.nats;

import io.relaybus.spi.TransportSubscription;

import java.util.concurrent.TimeUnit;

/**
 * A subscription fed by an intake loop of its own ({@link CoreNatsSubscription}, {@link PullConsumerSubscription}):
 * the pause and stop switches. {@link #pause}, {@link #resume} and {@link #stopIntake} may be called from any thread;
 * the loop reads {@link #paused()} and {@link #stopped()} and waits with {@link #awaitResumed} or {@link #sleep},
 * which return early when the intake is resumed or stopped. Stopping is final.
 */
abstract class SwitchedSubscription implements TransportSubscription {

    private final Object lock = new Object();
    private volatile boolean paused;
    private volatile boolean stopped;

    final boolean paused() {
        return paused;
    }

    final boolean stopped() {
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
    final void awaitResumed(long checkMillis) throws InterruptedException {
        synchronized (lock) {
            while (paused && !stopped) {
                lock.wait(checkMillis);
            }
        }
    }

    /** Waits {@code millis}, or less when the intake is stopped meanwhile. */
    final void sleep(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (lock) {
            for (long left = millis; left > 0 && !stopped; ) {
                lock.wait(left);
                left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            }
        }
    }
}
