package io.relaybus.api;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;

/**
 * A live subscription, returned by {@link EventBus#subscribe(SubscribeOptions, EventHandler)}.
 *
 * <p>Lifecycle: subscribing starts it at once; {@link #ready()} completes when it is really live on the broker
 * (for Kafka: partitions assigned and positioned; for JetStream: the consumer exists and is being pulled), so an
 * event published after {@code ready()} completed is delivered. {@link #close()} stops intake, lets in-flight and
 * queued events finish (their acknowledgements are sent), then leaves the broker; events not yet taken in stay on
 * the broker for the group's next member. A subscription can also stop on its own, when something it cannot get past
 * happens (a dead letter the broker can never store, an intake the transport could not restart):
 * {@link #completion()} and {@link #health()} tell, and the events it could not settle stay unacknowledged on the
 * broker. All methods are thread safe.
 */
public interface Subscription extends AutoCloseable {

    SubscribeOptions options();

    /**
     * Completes when the subscription is live, or exceptionally (with a {@link BusException}) when it cannot become
     * live, for example because the broker is unreachable.
     */
    CompletionStage<Void> ready();

    /** Stops taking in new events; events already taken in are still handled. Idempotent. */
    void pause();

    /** Takes in events again after {@link #pause()}. Idempotent. */
    void resume();

    boolean isPaused();

    /**
     * Completes when the subscription has ended: normally once {@link #close()} finished, exceptionally (with a
     * {@link BusException} naming the subscription and the cause) when it stopped on its own. Events it had not
     * acknowledged stay on the broker, so a new subscription of the same group handles them.
     */
    CompletionStage<Void> completion();

    /**
     * This subscription's health: UP while consuming; DEGRADED while it retries something it expects to get past
     * (a dead letter the broker refused for now, an intake the transport is restarting); DOWN once it stopped on its
     * own or was closed. The detail names the subscription ({@code topic[group]}) and the cause.
     */
    BusHealth health();

    /** Events taken in from the broker and not yet settled: queued for a worker or being handled. A snapshot. */
    default int queuedEvents() {
        return 0;
    }

    /**
     * How many events the broker holds for this subscription that it has not delivered to it yet (Kafka: the
     * records between the consumer's position and the end of its partitions; JetStream: the consumer's pending
     * count), when the broker knows it; empty otherwise. May ask the broker: do not call it per event.
     */
    default OptionalLong lag() {
        return OptionalLong.empty();
    }

    /**
     * The transport's own client object behind this subscription, of the given type (for example Kafka's
     * {@code Consumer}, once {@link #ready()} completed), for tooling that reads it; empty when there is none. The bus
     * owns it: closing or reconfiguring it breaks the subscription.
     */
    default <T> Optional<T> unwrap(Class<T> type) {
        return Optional.empty();
    }

    /**
     * Drains and closes; blocks until done or the bus's close timeout passed. Called from one of this subscription's
     * own handlers it does not wait for itself: it returns at once and the close finishes after the handler returned
     * ({@link #completion()} tells when). Idempotent.
     */
    @Override
    void close();
}
