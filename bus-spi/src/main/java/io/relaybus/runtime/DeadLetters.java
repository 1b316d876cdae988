package io.relaybus.runtime;

import io.relaybus.api.BusFatalException;
import io.relaybus.api.BusRetriableException;
import io.relaybus.api.Event;
import io.relaybus.api.PublishReceipt;
import io.relaybus.spi.Delivery;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Settling on behalf of the handler processors of one subscription ({@link DeliveryProcessor},
 * {@link BatchDeliveryProcessor}): acknowledging, storing dead letters, and the backoff sleeps between attempts.
 *
 * <p>A dead letter keeps the original's key, payload and headers (exact bytes), adds the {@code relaybus.dlq.*}
 * headers, and gets an id of its own: deterministic, so publishing it twice is de-duplicated as itself, never
 * mistaken for its original (JetStream de-duplicates by id within a stream, and a dead-letter subject may share the
 * original's stream). The delivery is settled only once the broker stored the letter. A letter refused for now is
 * published again with capped backoff while the subscription is DEGRADED; one the broker can never store
 * ({@link BusFatalException}) fails the subscription and leaves the delivery unsettled.
 *
 * <p>Interrupts: when the dispatcher abandons its work ({@code abandoned}), an interrupt ends a sleep or a dead-letter
 * wait with the delivery unsettled; any other interrupt is stray and ignored. Thread safe.
 */
final class DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    private static final int MAX_ERROR_MESSAGE = 1000;
    private static final long MAX_BACKOFF_MS = 5000;
    private static final String HEALTH_PART = "dead letter";

    static final String ORIGINAL_TOPIC = "relaybus.dlq.original.topic";
    static final String ORIGINAL_ID = "relaybus.dlq.original.id";
    static final String ERROR_CLASS = "relaybus.dlq.error.class";
    static final String ERROR_MESSAGE = "relaybus.dlq.error.message";
    static final String ATTEMPTS = "relaybus.dlq.attempts";
    static final String SUBSCRIPTION = "relaybus.dlq.subscription";
    static final String FAILED_AT = "relaybus.dlq.failed.at";

    private final String subscription;
    private final String topic;
    private final Function<Event, ? extends CompletableFuture<?>> publisher;
    private final BusMetrics metrics;
    private final SubscriptionHealth health;
    private final BooleanSupplier abandoned;

    DeadLetters(String subscription, String topic, Function<Event, ? extends CompletableFuture<?>> publisher,
                BusMetrics metrics, SubscriptionHealth health, BooleanSupplier abandoned) {
        this.subscription = subscription;
        this.topic = topic;
        this.publisher = publisher;
        this.metrics = metrics;
        this.health = health;
        this.abandoned = abandoned;
    }

    /** The dead letter's id for {@code originalId} in {@code subscription}. */
    static String id(String subscription, String originalId) {
        return UUID.nameUUIDFromBytes(("relaybus-dead-letter\u0000" + subscription + "\u0000" + originalId)
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Acknowledges; a failing ack is logged, and the broker delivers the event again. */
    void ack(Delivery delivery) {
        try {
            delivery.ack();
        } catch (RuntimeException e) {
            LOG.error("Acknowledging event " + delivery.event().id() + " of " + subscription
                    + " failed; the broker will deliver it again", e);
        }
    }

    /**
     * Stores the dead letter of {@code delivery} and settles it. Returns false when it was not stored: the
     * subscription failed (a fatal refusal) or the dispatcher abandoned its work; the delivery is then unsettled.
     */
    boolean deadLetter(Delivery delivery, Throwable failure, int attempts) {
        Event original = delivery.event();
        String message = failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
        if (message.length() > MAX_ERROR_MESSAGE) {
            message = message.substring(0, MAX_ERROR_MESSAGE);
        }
        Event letter = original.toBuilder().topic(topic).id(id(subscription, original.id()))
                .header(ORIGINAL_TOPIC, original.topic())
                .header(ORIGINAL_ID, original.id())
                .header(ERROR_CLASS, failure.getClass().getName())
                .header(ERROR_MESSAGE, message)
                .header(ATTEMPTS, Integer.toString(attempts))
                .header(SUBSCRIPTION, subscription)
                .header(FAILED_AT, Instant.now().toString())
                .build();
        for (int tries = 1; ; tries++) {
            Throwable error;
            try {
                Object receipt = publisher.apply(letter).get();
                error = duplicateOfAnother(letter, receipt);
                if (error == null) {
                    metrics.deadLettered();
                    health.recover(HEALTH_PART);
                    settleDeadLettered(delivery);
                    LOG.warn("Event {} of {} failed {} times and went to {} as {}: "
                            + "{}. Inspect and replay it from there once the cause is fixed", original.id(),
                            subscription, attempts, topic, letter.id(), failure.toString());
                    return true;
                }
            } catch (InterruptedException e) {
                if (abandoned.getAsBoolean()) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                tries--;   // a stray interrupt: publish again
                continue;
            } catch (ExecutionException | RuntimeException e) {
                error = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            }
            if (isFatal(error)) {
                String reason = "the dead letter of event " + original.id() + " can never be stored in '" + topic
                        + "': " + error.getMessage() + ". Fix the dead-letter topic (its name, the broker's size "
                        + "limit, permissions), then subscribe again: the event stays unacknowledged on the broker";
                LOG.error("Subscription " + subscription + " stops: " + reason, error);
                health.fail(new BusFatalException("Subscription " + subscription + " stopped: " + reason, error));
                return false;
            }
            health.degrade(HEALTH_PART, "storing the dead letter of event " + original.id() + " in '" + topic
                    + "' failed " + tries + " time(s), retrying: " + error.getMessage());
            LOG.atLevel(tries == 1 ? Level.WARN : Level.DEBUG).setCause(error).log("Could not store the dead "
                    + "letter of event " + original.id() + " of " + subscription + " in " + topic + " (try " + tries
                    + "); the event stays unacknowledged and the dead letter is retried with backoff. Check that the "
                    + "broker is reachable and accepts the dead-letter topic");
            if (!sleep(Duration.ofMillis(Math.min(MAX_BACKOFF_MS, 100L << Math.min(tries, 6))))) {
                return false;
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
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BusFatalException) {
                return true;
            }
        }
        return false;
    }

    private void settleDeadLettered(Delivery delivery) {
        try {
            delivery.deadLettered();
        } catch (RuntimeException e) {
            LOG.error("Settling dead-lettered event " + delivery.event().id() + " of "
                    + subscription + " failed; the broker will deliver it again and it may be dead-lettered twice", e);
        }
    }

    /** Sleeps {@code d}; a stray interrupt is ignored and the sleep goes on. False when the dispatcher abandons. */
    boolean sleep(Duration d) {
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
}
