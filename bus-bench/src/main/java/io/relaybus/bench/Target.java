package io.relaybus.bench;

import java.util.Map;

/**
 * One thing the benchmark drives: the bus over a transport, or a raw client doing the same work. The
 * {@link Runner} sees only this, so bus and raw client run the identical workload.
 *
 * <p>Lifecycle: {@link #open} once, {@link #subscribe} once (returns when the subscription is live), then any number of
 * {@link #publish} calls, then {@link #close()}. {@code publish} is called from one thread; the callbacks and the
 * receiver may run on any thread, concurrently.
 */
interface Target extends AutoCloseable {

    /** Receives every delivered event's payload; called from the target's consumer or handler threads. */
    @FunctionalInterface
    interface Receiver {
        void onEvent(byte[] payload);
    }

    /** Told once per publish: {@code error} is null when the broker acknowledged the event. */
    @FunctionalInterface
    interface AckCallback {
        void done(Throwable error);
    }

    /** "bus" or "raw". */
    String kind();

    /** What exactly runs, e.g. "EventBus(kafka)" or "KafkaProducer + KafkaConsumer". */
    String description();

    /** The effective settings, printed and written to the report so a reader can check both sides match. */
    Map<String, String> settings();

    /** Connects (opens the bus, creates the producer); timed apart from subscribing. */
    void open() throws Exception;

    /** Subscribes and blocks until the subscription is live (assigned and positioned, consumer created). */
    void subscribe(Receiver receiver) throws Exception;

    /**
     * Publishes one event; {@code callback} runs once, when the broker acknowledged it or it failed. May block when
     * the client's own buffers are full.
     */
    void publish(byte[] payload, String key, AckCallback callback);

    /**
     * CPU time so far of another process that does part of this target's work (the Connect worker of a bridge run),
     * in nanoseconds, or -1 when there is none or it is unknown. The Runner adds its growth over the measured phase to
     * this JVM's CPU time.
     */
    default long helperCpuNanos() {
        return -1;
    }

    /** The topic (Kafka) or stream (NATS) this target publishes to, for {@code --failover}; null when not one. */
    default String destination() {
        return null;
    }

    @Override
    void close();
}
