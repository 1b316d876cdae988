package io.relaybus.runtime;

import io.relaybus.api.BatchFailedException;
import io.relaybus.api.BatchHandler;
import io.relaybus.api.Event;
import io.relaybus.api.RetryPolicy;
import io.relaybus.api.interceptor.HandlingOutcome;
import io.relaybus.spi.Delivery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Runs a {@link BatchHandler} on one worker's batch of deliveries and settles them by the rules of
 * {@link BatchHandler}: the same acknowledgement, retry and dead-letter rules as {@link DeliveryProcessor}, applied to
 * the batch's still-pending tail.
 *
 * <ol>
 *   <li>Handler returns: every pending delivery is acknowledged, in order.</li>
 *   <li>Handler throws a {@link BatchFailedException} naming event {@code i}: the pending deliveries before it are
 *       acknowledged; it and the rest are handled again after the policy's backoff. Attempts belong to the first
 *       pending event: when it used them up it alone is dead-lettered and the rest go on with a fresh budget.</li>
 *   <li>Handler throws anything else: the whole pending batch is handled again; once its first event used up the
 *       attempts, the rest of the batch is handled one event at a time, so a failure can only be that event's.</li>
 * </ol>
 * Retries are always in place on the worker, which keeps per-key order. A dead letter that can never be stored stops
 * the subscription with the rest of the batch unsettled. Interrupts as in {@link DeliveryProcessor}. Thread safe;
 * runs on dispatcher workers.
 *
 * <p>Interceptors, when the subscription has any, see each event of a handler call as one handling attempt of its
 * own: {@code beforeHandle} for every event of the call, in order, before the handler; then, in reverse order (so
 * thread-bound scopes close in the order they were opened), {@code afterHandle} for the events acknowledged and
 * {@code handleFailed} for the others (RETRY, or DEAD_LETTER once the named event's dead letter was stored). The
 * handler runs inside all of them; the attempt number is the call's (that of its first event).
 */
final class BatchDeliveryProcessor extends HandlerProcessor<List<Delivery>> {

    private final BatchHandler handler;

    /** Parameters as for {@link DeliveryProcessor}. */
    public BatchDeliveryProcessor(String subscription, BatchHandler handler, RetryPolicy retry, String deadLetterTopic,
                                  Function<Event, ? extends CompletableFuture<?>> deadLetterPublisher,
                                  BusMetrics metrics, SubscriptionHealth health, BooleanSupplier abandoned,
                                  InterceptorChain.Handling interceptors) {
        super(subscription, retry, deadLetterTopic, deadLetterPublisher, metrics, health, abandoned, interceptors);
        this.handler = handler;
    }

    @Override
    public void accept(List<Delivery> batch) {
        if (health.failed()) {
            return;   // the subscription stopped: leave everything to the broker, in order
        }
        metrics.consumed(batch.size());
        int from = 0;          // batch[from..] is pending
        int attempt = 1;       // of batch[from]
        boolean oneByOne = false;
        while (from < batch.size()) {
            int to = oneByOne ? from + 1 : batch.size();
            List<Delivery> pending = batch.subList(from, to);
            List<Event> events = new ArrayList<>(pending.size());
            for (Delivery d : pending) {
                events.add(d.event());
            }
            InterceptorChain.Attempt[] intercepted = beforeHandle(events, attempt);
            Throwable failure = null;
            long startNanos = System.nanoTime();
            try {
                handler.handle(events);
            } catch (Throwable t) {
                failure = t;
            }
            if (abandonedDuring(failure)) {
                afterHandle(intercepted, 0, -1, failure, false);
                return;   // draining timed out: leave unsettled, the broker redelivers
            }
            if (failure == null) {
                metrics.batchHandled(events.size(), System.nanoTime() - startNanos);
                recordHandled(events);
                ackAll(pending);
                afterHandle(intercepted, events.size(), -1, null, false);
                from = to;
                attempt = 1;
                continue;
            }
            int failed = failedIndex(failure, events);
            int acked = Math.max(failed, 0);
            if (failed > 0) {
                recordHandled(events.subList(0, failed));
                ackAll(pending.subList(0, failed));
                from += failed;
                attempt = 1;   // a new first pending event: its own budget
            }
            metrics.handlerFailed();
            Throwable cause = failure instanceof BatchFailedException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (attempt >= retry.maxAttempts()) {
                if (failed < 0 && !oneByOne && to - from > 1) {
                    afterHandle(intercepted, 0, -1, cause, false);
                    oneByOne = true;   // unnamed failure: find the events that really fail, one at a time
                    attempt = 1;
                    continue;
                }
                boolean stored = deadLetters.deadLetter(batch.get(from), cause, attempt);
                afterHandle(intercepted, acked, acked, cause, stored);
                if (!stored) {
                    return;   // not stored: the subscription stopped or is abandoned; the rest stay unsettled
                }
                from++;
                attempt = 1;
                continue;
            }
            afterHandle(intercepted, acked, -1, cause, false);
            metrics.retried();
            if (!deadLetters.sleep(retry.backoffAfter(attempt))) {
                return;
            }
            attempt++;
        }
    }

    private InterceptorChain.Attempt[] beforeHandle(List<Event> events, int attempt) {
        if (interceptors == null) {
            return null;
        }
        InterceptorChain.Attempt[] attempts = new InterceptorChain.Attempt[events.size()];
        for (int i = 0; i < attempts.length; i++) {
            attempts[i] = interceptors.beforeHandle(events.get(i), attempt);
        }
        return attempts;
    }

    /**
     * Ends the interceptors' attempts in reverse order: the first {@code acked} were handled; the one at
     * {@code deadLettered} (or none, -1) went to the dead-letter topic when {@code stored}; the rest will be retried.
     */
    private static void afterHandle(InterceptorChain.Attempt[] attempts, int acked, int deadLettered, Throwable error,
                                    boolean stored) {
        if (attempts == null) {
            return;
        }
        for (int i = attempts.length - 1; i >= 0; i--) {
            if (i < acked) {
                attempts[i].handled();
            } else if (error == null) {
                attempts[i].unsettled(null);
            } else {
                attempts[i].failed(error, i == deadLettered && stored ? HandlingOutcome.DEAD_LETTER
                        : HandlingOutcome.RETRY);
            }
        }
    }

    /** The index in {@code events} that a {@link BatchFailedException} names, or -1 when it names none. */
    private static int failedIndex(Throwable failure, List<Event> events) {
        if (!(failure instanceof BatchFailedException b)) {
            return -1;
        }
        if (b.event() == null) {
            return b.index() < events.size() ? b.index() : -1;
        }
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i) == b.event()) {
                return i;
            }
        }
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).id().equals(b.event().id())) {
                return i;
            }
        }
        return -1;
    }

    private void recordHandled(List<Event> events) {
        long now = toMicros(Instant.now());
        for (Event e : events) {
            metrics.handled(toMicros(e.timestamp()), now);
        }
    }

    private void ackAll(List<Delivery> deliveries) {
        for (Delivery d : deliveries) {
            deadLetters.ack(d);
        }
    }
}
