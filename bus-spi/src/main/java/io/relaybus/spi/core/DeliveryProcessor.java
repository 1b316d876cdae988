package io.relaybus.spi.core;

import io.relaybus.api.Event;
import io.relaybus.api.EventHandler;
import io.relaybus.api.RetryPolicy;
import io.relaybus.spi.Delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
 *   <li>Attempts used up: publish a dead letter to the dead-letter topic (original id, key, payload and headers, plus
 *       {@code relaybus.dlq.*} headers with the error) and, only once the broker accepted it,
 *       {@link Delivery#deadLettered()}. A dead letter that cannot be stored is retried; the delivery is never
 *       settled without it.</li>
 * </ol>
 * If the worker is interrupted (the subscription's drain timed out) the delivery is left unsettled, so the broker
 * delivers it again: nothing is acknowledged that was not handled. Thread safe; runs on dispatcher workers.
 */
public final class DeliveryProcessor implements Consumer<Delivery> {

    private static final System.Logger LOG = System.getLogger(DeliveryProcessor.class.getName());
    private static final int MAX_ERROR_MESSAGE = 1000;

    /** Header names the dead letter carries besides the original headers. */
    public static final String DLQ_ORIGINAL_TOPIC = "relaybus.dlq.original.topic";
    public static final String DLQ_ERROR_CLASS = "relaybus.dlq.error.class";
    public static final String DLQ_ERROR_MESSAGE = "relaybus.dlq.error.message";
    public static final String DLQ_ATTEMPTS = "relaybus.dlq.attempts";
    public static final String DLQ_SUBSCRIPTION = "relaybus.dlq.subscription";
    public static final String DLQ_FAILED_AT = "relaybus.dlq.failed.at";

    private final String subscription;
    private final EventHandler handler;
    private final RetryPolicy retry;
    private final boolean keepOrder;
    private final String deadLetterTopic;
    private final Function<Event, CompletableFuture<?>> deadLetterPublisher;
    private final BusMetrics metrics;

    /**
     * @param subscription        a name for logs and the dead-letter header
     * @param keepOrder           whether retries must happen in place to keep per-key order
     * @param deadLetterPublisher publishes a dead letter (the bus's own publish)
     */
    public DeliveryProcessor(String subscription, EventHandler handler, RetryPolicy retry, boolean keepOrder,
                             String deadLetterTopic, Function<Event, CompletableFuture<?>> deadLetterPublisher,
                             BusMetrics metrics) {
        this.subscription = subscription;
        this.handler = handler;
        this.retry = retry;
        this.keepOrder = keepOrder;
        this.deadLetterTopic = deadLetterTopic;
        this.deadLetterPublisher = deadLetterPublisher;
        this.metrics = metrics;
    }

    @Override
    public void accept(Delivery delivery) {
        metrics.consumed();
        Event event = delivery.event();
        int attempt = Math.max(1, delivery.deliveryAttempt());
        while (true) {
            try {
                long startMicros = nowMicros();
                handler.handle(event);
                metrics.handled(toMicros(event.timestamp()), startMicros);
            } catch (Throwable failure) {
                if (failure instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
                    Thread.currentThread().interrupt();
                    return;   // draining timed out: leave unsettled, the broker redelivers
                }
                metrics.handlerFailed();
                if (attempt >= retry.maxAttempts()) {
                    deadLetter(delivery, failure, attempt);
                    return;
                }
                Duration backoff = retry.backoffAfter(attempt);
                metrics.retried();
                if (!keepOrder && delivery.canRedeliver()) {
                    delivery.redeliver(backoff);
                    return;
                }
                if (!sleep(backoff)) {
                    return;
                }
                attempt++;
                continue;
            }
            settle(delivery);
            return;
        }
    }

    /** Acknowledges outside the handler's try: an ack that fails must not run the handler again. */
    private void settle(Delivery delivery) {
        try {
            delivery.ack();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "Acknowledging event " + delivery.event().id() + " of " + subscription
                    + " failed; the broker will deliver it again", e);
        }
    }

    private void deadLetter(Delivery delivery, Throwable failure, int attempts) {
        Event original = delivery.event();
        String message = failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
        if (message.length() > MAX_ERROR_MESSAGE) {
            message = message.substring(0, MAX_ERROR_MESSAGE);
        }
        Event letter = original.toBuilder().topic(deadLetterTopic)
                .header(DLQ_ORIGINAL_TOPIC, original.topic())
                .header(DLQ_ERROR_CLASS, failure.getClass().getName())
                .header(DLQ_ERROR_MESSAGE, message)
                .header(DLQ_ATTEMPTS, Integer.toString(attempts))
                .header(DLQ_SUBSCRIPTION, subscription)
                .header(DLQ_FAILED_AT, Instant.now().toString())
                .build();
        for (int tries = 1; ; tries++) {
            try {
                deadLetterPublisher.apply(letter).get();
                metrics.deadLettered();
                delivery.deadLettered();
                LOG.log(System.Logger.Level.WARNING, "Event {0} of {1} failed {2} times and went to {3}: {4}",
                        original.id(), subscription, attempts, deadLetterTopic, failure.toString());
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                LOG.log(System.Logger.Level.ERROR, "Could not store dead letter for event " + original.id() + " in "
                        + deadLetterTopic + " (try " + tries + "); the event stays unacknowledged and is retried", e);
                if (!sleep(Duration.ofMillis(Math.min(5000, 100L << Math.min(tries, 6))))) {
                    return;
                }
            }
        }
    }

    private static boolean sleep(Duration d) {
        try {
            TimeUnit.NANOSECONDS.sleep(d.toNanos());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static long nowMicros() {
        Instant now = Instant.now();
        return toMicros(now);
    }

    private static long toMicros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
    }
}
