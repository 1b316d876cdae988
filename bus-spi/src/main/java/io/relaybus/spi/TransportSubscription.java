package io.relaybus.spi;

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

    /** Everything accepted was settled or abandoned: commit what was acknowledged and leave the broker. */
    void close();
}
