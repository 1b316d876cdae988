package io.relaybus.api;

import java.util.concurrent.CompletionStage;

/**
 * A live subscription, returned by {@link EventBus#subscribe(SubscribeOptions, EventHandler)}.
 *
 * <p>Lifecycle: subscribing starts it at once; {@link #ready()} completes when it is really live on the broker
 * (for Kafka: partitions assigned and positioned; for JetStream: the consumer exists and is being pulled), so an
 * event published after {@code ready()} completed is delivered. {@link #close()} stops intake, lets in-flight and
 * queued events finish (their acknowledgements are sent), then leaves the broker; events not yet taken in stay on
 * the broker for the group's next member. All methods are thread safe.
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

    /** Drains and closes; blocks until done or the bus's close timeout passed. Idempotent. */
    @Override
    void close();
}
