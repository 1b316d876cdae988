package io.relaybus.api;

import io.relaybus.api.bootstrap.EventBusFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletionStage;

/**
 * Publishes events and subscribes handlers over one transport (Kafka, NATS JetStream, in-memory, or any
 * third-party one), chosen by name in configuration.
 *
 * <pre>{@code
 * try (EventBus bus = EventBus.builder().transport("kafka")
 *         .property("kafka.bootstrap.servers", "localhost:9092").build()) {
 *     Subscription s = bus.subscribe(SubscribeOptions.builder("orders").group("billing").build(),
 *             event -> bill(event));
 *     s.ready().toCompletableFuture().join();
 *     bus.publish(Event.of("orders", "order-42", "{...}")).toCompletableFuture().join();
 * }
 * }</pre>
 *
 * <p>Thread safe: publish and subscribe may be called from any thread. Lifecycle: open, use, {@link #close()}; close
 * drains subscriptions and waits for outstanding publishes before it releases the broker connections.
 */
public interface EventBus extends AutoCloseable {

    /** The configuration key naming the transport, for example {@code kafka}, {@code nats} or {@code memory}. */
    String TRANSPORT_CONFIG = "bus.transport";

    /**
     * Publishes one event. The stage completes when the broker has durably accepted the event under the configured
     * acknowledgement policy, never merely when it was queued; it completes exceptionally with a
     * {@link BusException} (a {@link BusRetriableException} when the broker could not be reached in time).
     */
    CompletionStage<PublishReceipt> publish(Event event);

    /**
     * Publishes several events, letting the transport batch them. The stage completes when all were accepted, with
     * the receipts in the order given; if any failed it completes exceptionally, and the others may have been
     * stored.
     */
    CompletionStage<List<PublishReceipt>> publishAll(List<Event> events);

    /** Subscribes {@code handler} to {@code topic} with default options and no group. */
    default Subscription subscribe(String topic, EventHandler handler) {
        return subscribe(SubscribeOptions.builder(topic).build(), handler);
    }

    /** Subscribes {@code handler}; see {@link SubscribeOptions} and {@link Subscription}. */
    Subscription subscribe(SubscribeOptions options, EventHandler handler);

    /**
     * Subscribes a handler that takes events in batches, formed per worker as {@code batching} says. Everything else
     * is as for {@link #subscribe(SubscribeOptions, EventHandler)}: groups, per-key order (inside and across
     * batches), concurrency, backpressure, retries, dead letters and close; see {@link BatchHandler} for what a
     * failure acknowledges and retries. Retries always happen in place, on the worker.
     */
    Subscription subscribeBatch(SubscribeOptions options, BatchOptions batching, BatchHandler handler);

    /** The name of the transport in use. */
    String transport();

    /**
     * The worst of the transport's health and every open subscription's ({@link Subscription#health()}); the detail
     * names each subscription that is not UP and why.
     */
    BusHealth health();

    MetricsSnapshot metrics();

    /**
     * The transport's own client object of the given type, for tooling that reads it (for example a metrics binder
     * taking Kafka's {@code Producer}, or jnats's {@code Connection}); empty when the transport has none of that type.
     * The bus owns it: closing or reconfiguring it breaks the bus.
     */
    default <T> Optional<T> unwrap(Class<T> type) {
        return Optional.empty();
    }

    /** Closes every subscription (draining in-flight handlers), waits for outstanding publishes, then disconnects. */
    @Override
    void close();

    /** Opens a bus from configuration; {@code bus.transport} names the transport. */
    static EventBus open(Map<String, ?> config) {
        return builder().properties(config).build();
    }

    /** Opens a bus from {@link Properties}; {@code bus.transport} names the transport. */
    static EventBus open(Properties config) {
        return builder().properties(config).build();
    }

    static EventBusBuilder builder() {
        return new EventBusBuilder();
    }

    /** Used by {@link EventBusBuilder}: finds the runtime that turns configuration into a bus. */
    static EventBusFactory factory(ClassLoader loader) {
        return EventBusFactory.find(loader);
    }
}
