package io.relaybus.spi;

import io.relaybus.api.BusHealth;
import io.relaybus.api.Event;
import io.relaybus.api.PublishReceipt;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A connected transport, created by {@link TransportProvider#create}. The runtime wraps it with dispatch, retries,
 * dead letters and metrics; the transport only moves events to and from its broker.
 *
 * <p>Thread safety: every method may be called from any thread, concurrently. Never complete a publish future on a
 * client library's I/O thread: whatever an application chains on {@code EventBus.publish} runs on the thread that
 * completes it, and jnats and kafka-clients both stall when a callback blocks. Complete them on a thread of the
 * transport's own (both shipped transports keep one "completions" thread).
 *
 * <p>Lifecycle: the runtime closes every subscription before it calls {@link #close()}.
 */
public interface Transport extends AutoCloseable {

    /**
     * Sends one event. The future completes when the broker durably accepted the event under the configured
     * acknowledgement policy, never when it was merely queued, and fails within the transport's bounded delivery
     * timeout (with a {@link io.relaybus.api.BusRetriableException} naming the broker addresses when unreachable).
     * Fail with a {@link io.relaybus.api.BusFatalException} when trying again cannot help (invalid topic, event over
     * the size limit, authorization denied): the runtime stops a subscription whose dead letter fails that way
     * instead of retrying it forever. The receipt's {@code eventId} is {@code event.id()} and its {@code duplicate}
     * says whether the broker recognised the id as already stored (JetStream's duplicate window).
     */
    CompletableFuture<PublishReceipt> publish(Event event);

    /** Sends several events; the default publishes them one by one, which transports that batch natively keep. */
    default CompletableFuture<List<PublishReceipt>> publishAll(List<Event> events) {
        List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>(events.size());
        for (Event e : events) {
            futures.add(publish(e));
        }
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<PublishReceipt> receipts = new ArrayList<>(futures.size());
            for (CompletableFuture<PublishReceipt> f : futures) {
                receipts.add(f.join());
            }
            return receipts;
        });
    }

    /**
     * Starts consuming. The transport offers each delivery to {@code sink}; when the sink refuses one (its queues are
     * full) the transport keeps it, stops fetching and offers it again once {@link DeliverySink#awaitCapacity} says
     * there is room. Returns at once; readiness is reported by {@link TransportSubscription#ready()}.
     */
    TransportSubscription subscribe(SubscriptionSpec spec, DeliverySink sink);

    /**
     * Throws a {@link io.relaybus.api.BusConfigException} with key {@code "topic"}, the name as value and the rule it
     * breaks as reason, when the broker can never store events under that name. The runtime checks the topic and the dead-letter topic of every
     * subscription with it before subscribing, so a dead letter is not found unstorable only when it is needed. The
     * default accepts every name.
     */
    default void validateTopic(String topic) {
    }

    /**
     * The client object of the given type this transport owns (its producer, connection, ...), for read-only tooling
     * such as metrics binders; backs {@link io.relaybus.api.EventBus#unwrap}. The default has none.
     */
    default <T> Optional<T> unwrap(Class<T> type) {
        return Optional.empty();
    }

    /** The connection's health; cheap, may be called often. */
    default BusHealth health() {
        return BusHealth.up(getClass().getSimpleName());
    }

    /** Waits (bounded) for outstanding publishes, then releases connections and threads. Idempotent. */
    @Override
    void close();
}
