package io.relaybus.api;

/**
 * Handles events of a subscription.
 *
 * <p>Returning normally acknowledges the event: the bus tells the broker only then. Throwing any exception leads
 * to a retry after the subscription's backoff and, once the retry policy is exhausted, to the dead-letter topic;
 * the event is acknowledged only after its dead letter was accepted by the broker. Nothing is acknowledged before
 * the handler succeeded or the dead letter was stored.
 *
 * <p>Called from the bus's worker threads, possibly from several at once (see
 * {@link SubscribeOptions.Builder#concurrency(int)}); with per-key ordering, events with the same key are never
 * handled concurrently and arrive in the order they were published. A handler that blocks holds up its worker
 * and, once the worker's queue is full, the subscription's intake (backpressure).
 */
@FunctionalInterface
public interface EventHandler {

    void handle(Event event) throws Exception;
}
