package io.relaybus.spi.core;

import io.relaybus.api.BusFatalException;
import io.relaybus.api.BusRetriableException;
import io.relaybus.api.Event;
import io.relaybus.api.EventHandler;
import io.relaybus.api.PublishReceipt;
import io.relaybus.api.RetryPolicy;
import io.relaybus.spi.Delivery;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
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
 * <p>Interrupts: when the dispatcher abandons its work (a drain timed out, {@code abandoned} says so) an interrupted
 * handler or backoff leaves the delivery unsettled, so the broker delivers it again. Any other interrupt (a
 * watchdog, a handler restoring the flag) is cleared and the event settled by the rules above. Thread safe; runs on
 * dispatcher workers.
 */
public final class DeliveryProcessor implements Consumer<Delivery> {

    private static final System.Logger LOG = System.getLogger(DeliveryProcessor.class.getName());
    private static final int MAX_ERROR_MESSAGE = 1000;
    private static final int MAX_TRACKED_REDELIVERIES = 10_000;
    private static final long MAX_DEAD_LETTER_BACKOFF_MS = 5000;

    /** Header names the dead letter carries besides the original headers. */
    public static final String DLQ_ORIGINAL_TOPIC = "relaybus.dlq.original.topic";
    public static final String DLQ_ORIGINAL_ID = "relaybus.dlq.original.id";
    public static final String DLQ_ERROR_CLASS = "relaybus.dlq.error.class";
    public static final String DLQ_ERROR_MESSAGE = "relaybus.dlq.error.message";
    public static final String DLQ_ATTEMPTS = "relaybus.dlq.attempts";
    public static final String DLQ_SUBSCRIPTION = "relaybus.dlq.subscription";
    public static final String DLQ_FAILED_AT = "relaybus.dlq.failed.at";

    private static final String DEAD_LETTER_PART = "dead letter";

    private final String subscription;
    private final EventHandler handler;
    private final RetryPolicy retry;
    private final boolean keepOrder;
    private final String deadLetterTopic;
    private final Function<Event, ? extends CompletableFuture<?>> deadLetterPublisher;
    private final BusMetrics metrics;
    private final SubscriptionHealth health;
    private final BooleanSupplier abandoned;
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
        this.subscription = subscription;
        this.handler = handler;
        this.retry = retry;
        this.keepOrder = keepOrder;
        this.deadLetterTopic = deadLetterTopic;
        this.deadLetterPublisher = deadLetterPublisher;
        this.metrics = metrics;
        this.health = health;
        this.abandoned = abandoned;
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
            try {
                long startMicros = nowMicros();
                handler.handle(event);
                metrics.handled(toMicros(event.timestamp()), startMicros);
            } catch (Throwable t) {
                failure = t;
            }
            if (Thread.currentThread().isInterrupted() || failure instanceof InterruptedException) {
                if (abandoned.getAsBoolean()) {
                    Thread.currentThread().interrupt();
                    return;   // draining timed out: leave unsettled, the broker redelivers
                }
                Thread.interrupted();   // a stray interrupt the handler left behind: the worker carries on
            }
            if (failure == null) {
                forget(event.id());
                settle(delivery);
                return;
            }
            metrics.handlerFailed();
            if (attempt >= retry.maxAttempts()) {
                forget(event.id());
                deadLetter(delivery, failure, attempt);
                return;
            }
            Duration backoff = retry.backoffAfter(attempt);
            metrics.retried();
            if (!keepOrder && delivery.canRedeliver()) {
                remember(event.id(), attempt);
                delivery.redeliver(backoff);
                return;
            }
            if (!sleep(backoff)) {
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
        try {
            delivery.ack();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "Acknowledging event " + delivery.event().id() + " of " + subscription
                    + " failed; the broker will deliver it again", e);
        }
    }

    /** The dead letter's id: its own (not the original's, which the broker may de-duplicate), the same on a retry. */
    static String deadLetterId(String subscription, String originalId) {
        return UUID.nameUUIDFromBytes(("relaybus-dead-letter\u0000" + subscription + "\u0000" + originalId)
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    private void deadLetter(Delivery delivery, Throwable failure, int attempts) {
        Event original = delivery.event();
        String message = failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
        if (message.length() > MAX_ERROR_MESSAGE) {
            message = message.substring(0, MAX_ERROR_MESSAGE);
        }
        Event letter = original.toBuilder().topic(deadLetterTopic).id(deadLetterId(subscription, original.id()))
                .header(DLQ_ORIGINAL_TOPIC, original.topic())
                .header(DLQ_ORIGINAL_ID, original.id())
                .header(DLQ_ERROR_CLASS, failure.getClass().getName())
                .header(DLQ_ERROR_MESSAGE, message)
                .header(DLQ_ATTEMPTS, Integer.toString(attempts))
                .header(DLQ_SUBSCRIPTION, subscription)
                .header(DLQ_FAILED_AT, Instant.now().toString())
                .build();
        for (int tries = 1; ; tries++) {
            Throwable error;
            try {
                Object receipt = deadLetterPublisher.apply(letter).get();
                error = duplicateOfAnother(letter, receipt);
                if (error == null) {
                    metrics.deadLettered();
                    health.recover(DEAD_LETTER_PART);
                    settleDeadLettered(delivery);
                    LOG.log(System.Logger.Level.WARNING, "Event {0} of {1} failed {2} times and went to {3} as {4}: "
                            + "{5}. Inspect and replay it from there once the cause is fixed", original.id(),
                            subscription, attempts, deadLetterTopic, letter.id(), failure.toString());
                    return;
                }
            } catch (InterruptedException e) {
                if (abandoned.getAsBoolean()) {
                    Thread.currentThread().interrupt();
                    return;
                }
                tries--;   // a stray interrupt: publish again
                continue;
            } catch (ExecutionException | RuntimeException e) {
                error = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            }
            if (isFatal(error)) {
                String reason = "the dead letter of event " + original.id() + " can never be stored in '"
                        + deadLetterTopic + "': " + error.getMessage() + ". Fix the dead-letter topic (its name, "
                        + "the broker's size limit, permissions), then subscribe again: the event stays "
                        + "unacknowledged on the broker";
                LOG.log(System.Logger.Level.ERROR, "Subscription " + subscription + " stops: " + reason, error);
                health.fail(new BusFatalException("Subscription " + subscription + " stopped: " + reason, error));
                return;
            }
            health.degrade(DEAD_LETTER_PART, "storing the dead letter of event " + original.id() + " in '"
                    + deadLetterTopic + "' failed " + tries + " time(s), retrying: " + error.getMessage());
            LOG.log(tries == 1 ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG, "Could not store the dead "
                    + "letter of event " + original.id() + " of " + subscription + " in " + deadLetterTopic + " (try "
                    + tries + "); the event stays unacknowledged and the dead letter is retried with backoff. Check "
                    + "that the broker is reachable and accepts the dead-letter topic", error);
            if (!sleep(Duration.ofMillis(Math.min(MAX_DEAD_LETTER_BACKOFF_MS, 100L << Math.min(tries, 6))))) {
                return;
            }
        }
    }

    /** A duplicate receipt counts as stored only when the broker recognised this very dead letter. */
    private static Throwable duplicateOfAnother(Event letter, Object receipt) {
        if (receipt instanceof PublishReceipt r && r.duplicate() && !letter.id().equals(r.eventId())) {
            return new BusRetriableException("the broker reported the dead letter " + letter.id()
                    + " as a duplicate of event " + r.eventId() + " and may not have stored it");
        }
        return null;
    }

    private static boolean isFatal(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof BusFatalException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private void settleDeadLettered(Delivery delivery) {
        try {
            delivery.deadLettered();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "Settling dead-lettered event " + delivery.event().id() + " of "
                    + subscription + " failed; the broker will deliver it again and it may be dead-lettered twice", e);
        }
    }

    /** Sleeps {@code d}; a stray interrupt is cleared and the sleep goes on. False when the dispatcher abandons. */
    private boolean sleep(Duration d) {
        long deadline = System.nanoTime() + d.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                if (abandoned.getAsBoolean()) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
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
