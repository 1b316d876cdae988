package io.relaybus.embedded;

/**
 * A broker a test suite talks to: either one this module started ({@link EmbeddedKafka}, {@link EmbeddedNats})
 * or an external one named by an environment variable (see {@link TestBrokers}).
 *
 * <p><b>Ownership:</b> a handle does not give its holder the right to dispose of the broker. A handle obtained
 * from {@link TestBrokers} is shared by every suite in the JVM and is shut down by a JVM shutdown hook; only
 * code that created an {@code EmbeddedKafka}/{@code EmbeddedNats} itself should {@code close()} it.
 *
 * <p><b>Restarts:</b> {@link #stop()}, {@link #kill()} and {@link #restart()} are only supported when
 * {@link #canRestart()} is {@code true}; otherwise they throw {@link UnsupportedOperationException}. Tests that
 * need them should check {@code canRestart()} first (e.g. with JUnit's {@code assumeTrue}). A suite that stops
 * a shared broker must start it again (typically in a {@code finally} block); {@link TestBrokers} also restarts
 * a stopped shared broker the next time it is handed out.
 *
 * <p><b>Threading:</b> implementations are thread-safe; lifecycle calls are serialised.
 */
public interface BrokerHandle {

    /**
     * Where clients connect: a Kafka {@code bootstrap.servers} string ({@code 127.0.0.1:port}) or a NATS URL
     * ({@code nats://127.0.0.1:port}). Stable for the lifetime of the handle, also across restarts.
     */
    String address();

    /** {@code true} if {@link #stop()}, {@link #kill()} and {@link #restart()} work (embedded brokers only). */
    boolean canRestart();

    /** {@code true} if this handle points at a broker outside this JVM's control (from an environment variable). */
    boolean isExternal();

    /** {@code true} while the broker process is running (always {@code true} for an external broker). */
    boolean isRunning();

    /**
     * CPU time the broker process has used so far (user and system, all its threads), where the platform tells it:
     * for benchmarks, which compare what the broker spends per event with different clients. Empty for an external
     * broker or when the operating system does not report it; a restart starts a new process, so a new count.
     */
    default java.util.Optional<java.time.Duration> cpuTime() {
        return java.util.Optional.empty();
    }

    /**
     * Stops the broker gracefully, keeping its address and data; a no-op if already stopped.
     *
     * @throws UnsupportedOperationException if {@link #canRestart()} is {@code false}
     */
    void stop();

    /**
     * Kills the broker without a graceful shutdown (a simulated crash), keeping its address and data.
     *
     * @throws UnsupportedOperationException if {@link #canRestart()} is {@code false}
     */
    void kill();

    /**
     * Starts the broker again on the same address and data directory and waits until it serves requests.
     * If it is running it is first stopped gracefully.
     *
     * @throws UnsupportedOperationException if {@link #canRestart()} is {@code false}
     * @throws IllegalStateException if the broker does not become ready in time or was closed
     */
    void restart();
}
