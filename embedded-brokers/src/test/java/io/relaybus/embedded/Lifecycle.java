package io.relaybus.embedded;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The lifecycle steps this module's broker and cluster tests share. Each step prints how long it took, for the build
 * log only: nothing here asserts a time.
 */
final class Lifecycle {

    private Lifecycle() {
    }

    /** A test's own steps on a started broker or cluster. */
    interface Steps<T> {
        void run(T started) throws Exception;
    }

    /**
     * Starts a broker or cluster with {@code start}, runs {@code steps} on it, then closes it explicitly and asserts
     * that the close deleted its {@linkplain ForkedResource#directory() directory}. When a step throws, the broker or
     * cluster is still closed.
     *
     * @param name      what the printed lines call it, e.g. {@code kafka cluster}
     * @param address   what the start line shows: where clients connect
     * @return the closed broker or cluster, for checks after the close
     */
    static <T extends ForkedResource> T startStepsClose(String name, Supplier<T> start, Function<T, String> address,
            Steps<T> steps) throws Exception {
        long t0 = System.nanoTime();
        try (T started = start.get()) {
            System.out.printf("%s start: %d ms (%s)%n", name, ms(t0), address.apply(started));
            steps.run(started);
            long t1 = System.nanoTime();
            started.close(); // the second close, by try, is a no-op
            System.out.printf("%s close: %d ms%n", name, ms(t1));
            assertFalse(Files.exists(started.directory()), "close deletes the temp dir");
            return started;
        }
    }

    /**
     * Stops {@code broker} gracefully, asserts that it no longer runs and that its client {@code port} refuses
     * connections, then restarts it.
     */
    static void stopAndRestart(String name, EmbeddedBroker broker, int port) {
        long t1 = System.nanoTime();
        broker.stop();
        System.out.printf("%s stop: %d ms%n", name, ms(t1));
        assertFalse(broker.isRunning());
        assertFalse(ProcessSupport.accepts(port));

        long t2 = System.nanoTime();
        broker.restart();
        System.out.printf("%s restart after stop: %d ms%n", name, ms(t2));
    }

    /** Kills {@code broker} (a simulated crash) and restarts it. */
    static void killAndRestart(String name, EmbeddedBroker broker) {
        long t = System.nanoTime();
        broker.kill();
        broker.restart();
        System.out.printf("%s kill + restart: %d ms%n", name, ms(t));
    }

    /** Milliseconds since {@code startNanos} (a {@link System#nanoTime()} reading). */
    static long ms(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
