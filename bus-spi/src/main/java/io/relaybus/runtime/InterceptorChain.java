package io.relaybus.runtime;

import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.PublishReceipt;
import io.relaybus.api.Subscription;
import io.relaybus.api.interceptor.EventInterceptor;
import io.relaybus.api.interceptor.HandlingContext;
import io.relaybus.api.interceptor.HandlingOutcome;
import io.relaybus.api.interceptor.PublishContext;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Calls a bus's {@link EventInterceptor}s, containing their failures. Before-hooks run in registration order,
 * after- and failure-hooks in reverse. A hook that throws is logged, WARN the first time per interceptor and hook and
 * DEBUG after that, and otherwise ignored: the next interceptor runs and the event goes on as if the hook had returned.
 *
 * <p>A bus without interceptors has no chain at all ({@link #of} returns null): callers test for null, so the hot
 * paths pay nothing. Immutable; thread safe.
 */
final class InterceptorChain {

    private static final Logger LOG = LoggerFactory.getLogger(InterceptorChain.class);

    /** The hooks, for the once-per-hook WARN bookkeeping. */
    enum Hook {
        BUS_OPENED, SUBSCRIBED, UNSUBSCRIBED, BUS_CLOSED, BEFORE_PUBLISH, AFTER_PUBLISH, PUBLISH_FAILED, BEFORE_HANDLE,
        AFTER_HANDLE, HANDLE_FAILED;

        String method() {
            String[] words = name().toLowerCase(java.util.Locale.ROOT).split("_");
            StringBuilder sb = new StringBuilder(words[0]);
            for (int i = 1; i < words.length; i++) {
                sb.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
            }
            return sb.toString();
        }
    }

    /** Where a contained failure is reported; the logger, replaced in tests. */
    interface FailureLog {
        void log(boolean first, String message, Throwable error);
    }

    private static final FailureLog SYSTEM_LOG = (first, message, error) ->
            LOG.atLevel(first ? Level.WARN : Level.DEBUG).setCause(error).log(message);

    private final String transport;
    private final EventInterceptor[] interceptors;
    /** Per interceptor: a bit per {@link Hook} that already failed once (and was logged at WARN). */
    private final AtomicInteger[] warned;
    private final FailureLog failureLog;

    InterceptorChain(String transport, List<EventInterceptor> interceptors, FailureLog failureLog) {
        this.transport = transport;
        this.interceptors = interceptors.toArray(EventInterceptor[]::new);
        this.warned = new AtomicInteger[this.interceptors.length];
        for (int i = 0; i < warned.length; i++) {
            warned[i] = new AtomicInteger();
        }
        this.failureLog = failureLog;
    }

    /** The chain for {@code interceptors}, or null when there are none: the bus then skips every hook. */
    public static InterceptorChain of(String transport, List<EventInterceptor> interceptors) {
        return interceptors.isEmpty() ? null : new InterceptorChain(transport, List.copyOf(interceptors), SYSTEM_LOG);
    }

    public int size() {
        return interceptors.length;
    }

    public void busOpened(EventBus bus) {
        forEach(Hook.BUS_OPENED, null, i -> i.busOpened(bus));
    }

    public void busClosed(EventBus bus) {
        forEachReversed(Hook.BUS_CLOSED, null, i -> i.busClosed(bus));
    }

    public void subscribed(Subscription subscription) {
        forEach(Hook.SUBSCRIBED, null, i -> i.subscribed(subscription));
    }

    public void unsubscribed(Subscription subscription) {
        forEachReversed(Hook.UNSUBSCRIBED, null, i -> i.unsubscribed(subscription));
    }

    /**
     * Runs every {@code beforePublish}. Send {@link Publish#event()} (it carries the headers interceptors added), then
     * pass the publish's result to {@link Publish#track}.
     */
    public Publish beforePublish(Event event) {
        Publish p = new Publish(event);
        forEach(Hook.BEFORE_PUBLISH, event, i -> i.beforePublish(p));
        p.open = false;
        return p;
    }

    /** The hooks of one subscription's handling. */
    public Handling forSubscription(String subscription, String group) {
        return new Handling(subscription, group);
    }

    private void forEach(Hook hook, Event event, Consumer<EventInterceptor> call) {
        for (int i = 0; i < interceptors.length; i++) {
            run(i, hook, event, call);
        }
    }

    private void forEachReversed(Hook hook, Event event, Consumer<EventInterceptor> call) {
        for (int i = interceptors.length - 1; i >= 0; i--) {
            run(i, hook, event, call);
        }
    }

    private void run(int index, Hook hook, Event event, Consumer<EventInterceptor> call) {
        EventInterceptor interceptor = interceptors[index];
        try {
            call.accept(interceptor);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            contained(index, hook, event, t);
        }
    }

    private void contained(int index, Hook hook, Event event, Throwable error) {
        int bit = 1 << hook.ordinal();
        AtomicInteger flags = warned[index];
        int seen = flags.getAndUpdate(f -> f | bit);
        boolean first = (seen & bit) == 0;
        String what = event == null ? "" : " for event " + event.id() + " of topic " + event.topic();
        failureLog.log(first, "Interceptor " + interceptors[index].getClass().getName() + " failed in " + hook.method()
                + what + "; ignored, the event goes on unaffected. Fix or remove the interceptor"
                + (first ? " (further failures of this interceptor in " + hook.method() + " are logged at DEBUG)" : ""),
                error);
    }

    /**
     * What a publish and a handling attempt keep for their interceptors ({@code put}/{@code get} of
     * {@link PublishContext} and {@link HandlingContext}): created on the first put. Not for concurrent use, like
     * the contexts (their hooks run one after the other).
     */
    private abstract static class Attributes {
        private Map<Object, Object> attributes;

        public void put(Object key, Object value) {
            if (attributes == null) {
                attributes = new HashMap<>(4);
            }
            attributes.put(key, value);
        }

        public Object get(Object key) {
            return attributes == null ? null : attributes.get(key);
        }
    }

    /** One publish: the context interceptors see. */
    public final class Publish extends Attributes implements PublishContext {
        private final Event original;
        private Map<String, String> added;
        private Event withHeaders;
        private volatile boolean open = true;

        private Publish(Event original) {
            this.original = original;
        }

        @Override
        public Event event() {
            if (added == null) {
                return original;
            }
            if (withHeaders == null) {
                Event.Builder b = original.toBuilder();
                added.forEach(b::header);
                withHeaders = b.build();
            }
            return withHeaders;
        }

        @Override
        public String transport() {
            return transport;
        }

        @Override
        public void header(String name, String value) {
            if (!open) {
                throw new IllegalStateException("headers can only be added in beforePublish");
            }
            if (added == null) {
                added = new LinkedHashMap<>();
            }
            added.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            withHeaders = null;
        }

        /**
         * Returns a future that completes like {@code result}, after the after- or failure-hooks ran: whatever the
         * application chains on it sees the interceptors' work done.
         */
        public CompletableFuture<PublishReceipt> track(CompletableFuture<PublishReceipt> result) {
            return result.whenComplete((receipt, error) -> {
                if (error == null) {
                    acknowledged(receipt);
                } else {
                    failed(error);
                }
            });
        }

        private void acknowledged(PublishReceipt receipt) {
            forEachReversed(Hook.AFTER_PUBLISH, original, i -> i.afterPublish(this, receipt));
        }

        private void failed(Throwable error) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            forEachReversed(Hook.PUBLISH_FAILED, original, i -> i.publishFailed(this, cause));
        }
    }

    /** Runs the before-hooks of {@code events} published together, one {@link Publish} each. */
    public List<Publish> beforePublishAll(List<Event> events) {
        List<Publish> calls = new ArrayList<>(events.size());
        for (Event e : events) {
            calls.add(beforePublish(e));
        }
        return calls;
    }

    /**
     * Like {@link Publish#track} for events published together: on success each gets its receipt; on failure every
     * one gets the error (the transport does not say which were stored).
     */
    public static CompletableFuture<List<PublishReceipt>> trackAll(List<Publish> calls,
                                                                  CompletableFuture<List<PublishReceipt>> result) {
        return result.whenComplete((receipts, error) -> {
            for (int i = 0; i < calls.size(); i++) {
                if (error == null) {
                    calls.get(i).acknowledged(receipts.get(i));
                } else {
                    calls.get(i).failed(error);
                }
            }
        });
    }

    /** The events to send: each with the headers its interceptors added. */
    public static List<Event> events(List<Publish> calls) {
        List<Event> events = new ArrayList<>(calls.size());
        for (Publish p : calls) {
            events.add(p.event());
        }
        return events;
    }

    /** The handling hooks of one subscription. */
    public final class Handling {
        private final String subscription;
        private final Optional<String> group;

        private Handling(String subscription, String group) {
            this.subscription = subscription;
            this.group = Optional.ofNullable(group);
        }

        /**
         * Runs every {@code beforeHandle} for one attempt. The caller must then call exactly one of
         * {@link Attempt#handled()}, {@link Attempt#failed} or {@link Attempt#unsettled}, on this thread.
         */
        public Attempt beforeHandle(Event event, int attempt) {
            Attempt a = new Attempt(this, event, attempt);
            forEach(Hook.BEFORE_HANDLE, event, i -> i.beforeHandle(a));
            return a;
        }
    }

    /** One handling attempt: the context interceptors see. */
    public final class Attempt extends Attributes implements HandlingContext {
        private final Handling handling;
        private final Event event;
        private final int attempt;

        private Attempt(Handling handling, Event event, int attempt) {
            this.handling = handling;
            this.event = event;
            this.attempt = attempt;
        }

        @Override
        public Event event() {
            return event;
        }

        @Override
        public String transport() {
            return transport;
        }

        @Override
        public String subscription() {
            return handling.subscription;
        }

        @Override
        public Optional<String> group() {
            return handling.group;
        }

        @Override
        public int attempt() {
            return attempt;
        }

        /** The handler returned and the event was acknowledged. */
        public void handled() {
            forEachReversed(Hook.AFTER_HANDLE, event, i -> i.afterHandle(this));
        }

        /** The handler failed; {@code outcome} is what happens to the event. */
        public void failed(Throwable error, HandlingOutcome outcome) {
            forEachReversed(Hook.HANDLE_FAILED, event, i -> i.handleFailed(this, error, outcome));
        }

        /**
         * The attempt ended without settling the event (the subscription stopped first): the broker delivers it again,
         * so the outcome is {@link HandlingOutcome#RETRY}, with the handler's error or, when it had succeeded, a
         * {@link CancellationException} saying why.
         */
        public void unsettled(Throwable handlerError) {
            failed(handlerError != null ? handlerError : new CancellationException("subscription "
                    + handling.subscription + " stopped before event " + event.id() + " was settled; the broker "
                    + "delivers it again"), HandlingOutcome.RETRY);
        }
    }
}
