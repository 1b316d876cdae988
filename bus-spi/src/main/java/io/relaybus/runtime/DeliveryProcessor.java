package io.relaybus.runtime;

import io.relaybus.api.BusFatalException;
import io.relaybus.api.Event;
import io.relaybus.api.EventHandler;
import io.relaybus.api.PublishReceipt;
import io.relaybus.api.RetryPolicy;
import io.relaybus.api.interceptor.HandlingOutcome;
import io.relaybus.spi.Delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Runs a handler on one delivery and settles it: the same retry, dead-letter and acknowledgement rules on every
 * transport.
 *
 * <ol>
 *   <li>Handler returns: {@link Delivery#ack()}.</li>
 *   <li>Handler throws and attempts remain: wait the policy's backoff and call it again on the same worker, which keeps
 *       the key's order (later events of the key wait). When order is not required and the broker can redeliver
 *       (JetStream {@code nak}), the event is handed back with the backoff as delay instead, freeing the worker.</li>
 *   <li>Attempts used up: publish a dead letter to the dead-letter topic (original key, payload and headers with their
 *       exact bytes, plus {@code relaybus.dlq.*} headers with the error) under an id of its own, and, only once the
 *       broker stored it, {@link Delivery#deadLettered()}. A dead letter the broker refused for now is published
 *       again with capped backoff while the subscription's health is DEGRADED; one it can never store
 *       ({@link BusFatalException}) fails the subscription: the delivery stays unsettled, so the broker keeps the
 *       event, and nothing after it is handled.</li>
 * </ol>
 *
 * <p>Attempts count handler failures seen by this processor, never deliveries: an event handed back unhandled (a
 * subscription closing, a refused intake) keeps its budget. With in-place retries the count lives on the worker;
 * with broker redelivery it is kept per event id, bounded to the last {@value #MAX_TRACKED_REDELIVERIES} events. An
 * event whose retries were cut short by a restart, or that the broker redelivers to another member of the group,
 * starts counting again there: it can get more attempts than the policy's, never fewer.
 *
 * <p>Interceptors, when the subscription has any, see every attempt: {@code beforeHandle} before the handler, then on
 * the same thread {@code afterHandle} once the event was acknowledged, or {@code handleFailed} with
 * {@link HandlingOutcome#RETRY} (before the backoff) or {@link HandlingOutcome#DEAD_LETTER} (once the dead letter,
 * itself published through the interceptors, was stored).
 *
 * <p>Interrupts: when the dispatcher abandons its work (a drain timed out, {@code abandoned} says so) an interrupted
 * handler or backoff leaves the delivery unsettled, so the broker delivers it again. Any other interrupt (a
 * watchdog, a handler restoring the flag) is cleared and the event settled by the rules above. Thread safe; runs on
 * dispatcher workers.
 */
final class DeliveryProcessor extends HandlerProcessor<Delivery> {

    private static final int MAX_TRACKED_REDELIVERIES = 10_000;

    /** Header names the dead letter carries besides the original headers (see {@link DeadLetters}). */
    public static final String DLQ_ORIGINAL_TOPIC = DeadLetters.ORIGINAL_TOPIC;
    public static final String DLQ_ORIGINAL_ID = DeadLetters.ORIGINAL_ID;
    public static final String DLQ_ERROR_CLASS = DeadLetters.ERROR_CLASS;
    public static final String DLQ_ERROR_MESSAGE = DeadLetters.ERROR_MESSAGE;
    public static final String DLQ_ATTEMPTS = DeadLetters.ATTEMPTS;
    public static final String DLQ_SUBSCRIPTION = DeadLetters.SUBSCRIPTION;
    public static final String DLQ_FAILED_AT = DeadLetters.FAILED_AT;

    private final EventHandler handler;
    private final boolean keepOrder;
    /** Handler failures per event id of events handed back to the broker for redelivery. */
    private final Map<String, Integer> redeliveredFailures = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > MAX_TRACKED_REDELIVERIES;
        }
    };

    /**
     * @param subscription        a name for logs and the dead-letter header
     * @param keepOrder           whether retries must happen in place to keep per-key order
     * @param deadLetterPublisher publishes a dead letter (the bus's own publish); its future's value, when a
     *                            {@link PublishReceipt}, is checked for a duplicate of another event
     * @param health              degraded while a dead letter is retried, failed when one can never be stored
     * @param abandoned           true once the dispatcher gave up waiting for its workers: an interrupt then means
     *                            "stop now", any other interrupt is a stray one
     */
    public DeliveryProcessor(String subscription, EventHandler handler, RetryPolicy retry, boolean keepOrder,
                             String deadLetterTopic, Function<Event, ? extends CompletableFuture<?>> deadLetterPublisher,
                             BusMetrics metrics, SubscriptionHealth health, BooleanSupplier abandoned) {
        this(subscription, handler, retry, keepOrder, deadLetterTopic, deadLetterPublisher, metrics, health, abandoned,
                null);
    }

    /**
     * @param interceptors the subscription's interceptor hooks, called around each handling attempt; null for none
     */
    public DeliveryProcessor(String subscription, EventHandler handler, RetryPolicy retry, boolean keepOrder,
                             String deadLetterTopic, Function<Event, ? extends CompletableFuture<?>> deadLetterPublisher,
                             BusMetrics metrics, SubscriptionHealth health, BooleanSupplier abandoned,
                             InterceptorChain.Handling interceptors) {
        super(subscription, retry, deadLetterTopic, deadLetterPublisher, metrics, health, abandoned, interceptors);
        this.handler = handler;
        this.keepOrder = keepOrder;
    }

    @Override
    public void accept(Delivery delivery) {
        if (health.failed()) {
            return;   // the subscription stopped: leave everything after the failure to the broker, in order
        }
        metrics.consumed();
        Event event = delivery.event();
        int attempt = 1 + (keepOrder || !delivery.canRedeliver() ? 0 : failuresBefore(event.id()));
        while (true) {
            Throwable failure = null;
            InterceptorChain.Attempt intercepted = interceptors == null ? null : interceptors.beforeHandle(event, attempt);
            try {
                long startMicros = nowMicros();
                handler.handle(event);
                metrics.handled(toMicros(event.timestamp()), startMicros);
            } catch (Throwable t) {
                failure = t;
            }
            if (abandonedDuring(failure)) {
                if (intercepted != null) {
                    intercepted.unsettled(failure);
                }
                return;   // draining timed out: leave unsettled, the broker redelivers
            }
            if (failure == null) {
                forget(event.id());
                settle(delivery);
                if (intercepted != null) {
                    intercepted.handled();
                }
                return;
            }
            metrics.handlerFailed();
            if (attempt >= retry.maxAttempts()) {
                forget(event.id());
                boolean stored = deadLetters.deadLetter(delivery, failure, attempt);
                if (intercepted != null) {
                    intercepted.failed(failure, stored ? HandlingOutcome.DEAD_LETTER : HandlingOutcome.RETRY);
                }
                return;
            }
            Duration backoff = retry.backoffAfter(attempt);
            metrics.retried();
            if (intercepted != null) {
                intercepted.failed(failure, HandlingOutcome.RETRY);
            }
            if (!keepOrder && delivery.canRedeliver()) {
                remember(event.id(), attempt);
                delivery.redeliver(backoff);
                return;
            }
            if (!deadLetters.sleep(backoff)) {
                return;
            }
            attempt++;
        }
    }

    private int failuresBefore(String id) {
        synchronized (redeliveredFailures) {
            return redeliveredFailures.getOrDefault(id, 0);
        }
    }

    private void remember(String id, int failures) {
        synchronized (redeliveredFailures) {
            redeliveredFailures.put(id, failures);
        }
    }

    private void forget(String id) {
        if (keepOrder) {
            return;
        }
        synchronized (redeliveredFailures) {
            redeliveredFailures.remove(id);
        }
    }

    /** Acknowledges outside the handler's try: an ack that fails must not run the handler again. */
    private void settle(Delivery delivery) {
        deadLetters.ack(delivery);
    }

    /** The dead letter's id: its own (not the original's, which the broker may de-duplicate), the same on a retry. */
    static String deadLetterId(String subscription, String originalId) {
        return DeadLetters.id(subscription, originalId);
    }

    private static long nowMicros() {
        Instant now = Instant.now();
        return toMicros(now);
    }
}
