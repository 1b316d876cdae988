package io.relaybus.runtime;

import io.relaybus.api.Event;
import io.relaybus.api.RetryPolicy;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What the handler processors of one subscription ({@link DeliveryProcessor}, {@link BatchDeliveryProcessor}) share:
 * the retry policy, metrics, health, interceptor hooks, the {@link DeadLetters} that settles for them, and the rule
 * for an interrupted handler. Thread safe; runs on dispatcher workers.
 *
 * @param <T> what one call of {@link #accept} handles: a delivery or a batch of them
 */
abstract class HandlerProcessor<T> implements Consumer<T> {

    final RetryPolicy retry;
    final BusMetrics metrics;
    final SubscriptionHealth health;
    final DeadLetters deadLetters;
    /** Null when no interceptor is registered. */
    final InterceptorChain.Handling interceptors;
    private final BooleanSupplier abandoned;

    /** Parameters as for {@link DeliveryProcessor}. */
    HandlerProcessor(String subscription, RetryPolicy retry, String deadLetterTopic,
                     Function<Event, ? extends CompletableFuture<?>> deadLetterPublisher, BusMetrics metrics,
                     SubscriptionHealth health, BooleanSupplier abandoned, InterceptorChain.Handling interceptors) {
        this.interceptors = interceptors;
        this.retry = retry;
        this.metrics = metrics;
        this.health = health;
        this.abandoned = abandoned;
        this.deadLetters = new DeadLetters(subscription, deadLetterTopic, deadLetterPublisher, metrics, health,
                abandoned);
    }

    /**
     * Called on the worker right after a handler attempt that ended with {@code failure} (null when it returned).
     * Returns true when the worker was interrupted because the dispatcher abandoned its work: the interrupt flag is
     * then set again and the caller must return, leaving its deliveries unsettled for the broker to deliver again.
     * Any other interrupt is stray: it is cleared and false returned, so the attempt is settled by the rules.
     */
    final boolean abandonedDuring(Throwable failure) {
        if (Thread.currentThread().isInterrupted() || failure instanceof InterruptedException) {
            if (abandoned.getAsBoolean()) {
                Thread.currentThread().interrupt();
                return true;
            }
            Thread.interrupted();
        }
        return false;
    }

    static long toMicros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
    }
}
