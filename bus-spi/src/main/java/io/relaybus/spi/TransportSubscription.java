package io.relaybus.spi;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * A transport's side of a subscription. The runtime closes it in two steps: {@link #stopIntake()}, then, after every
 * accepted delivery was settled or abandoned, {@link #close()}. Thread safe.
 */
public interface TransportSubscription {

    /**
     * Completes when events published from now on will be delivered (Kafka: partitions assigned and positioned;
     * JetStream: consumer created and pulled), exceptionally when that cannot happen.
     */
    CompletableFuture<Void> ready();

    /** Stops fetching until {@link #resume()}; deliveries already handed over are still settled. */
    void pause();

    void resume();

    /** Stops fetching for good. Settling deliveries handed over before must keep working until {@link #close()}. */
    void stopIntake();

    /**
     * How many events the broker holds for this subscription that it has not delivered yet, when it knows (backs
     * {@link io.relaybus.api.Subscription#lag()}); empty by default. Called from any thread, not per event; may ask the
     * broker, and then must not throw (empty when the answer cannot be had).
     */
    default OptionalLong lag() {
        return OptionalLong.empty();
    }

    /**
     * The client object of the given type behind this subscription (a Kafka consumer, ...), for read-only tooling;
     * backs {@link io.relaybus.api.Subscription#unwrap}. Empty by default and while it does not exist yet.
     */
    default <T> Optional<T> unwrap(Class<T> type) {
        return Optional.empty();
    }

    /** Everything accepted was settled or abandoned: commit what was acknowledged and leave the broker. */
    void close();
}
