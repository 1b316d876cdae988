package io.relaybus.api.interceptor;

import io.relaybus.api.EventBus;
import io.relaybus.api.PublishReceipt;
import io.relaybus.api.Subscription;

/**
 * Observes, and may add headers to, what a bus does: publishing, handling, and the life of the bus and its
 * subscriptions. The runtime calls interceptors around every transport alike (Kafka, NATS, memory, third-party ones),
 * and around retries and dead letters too: a retried event is seen once per handling attempt, and a dead letter is
 * published through the same publish hooks as any event.
 *
 * <p><b>Registration.</b> On {@link io.relaybus.api.EventBusBuilder#interceptor(EventInterceptor)}, or by name in
 * {@code bus.interceptors} (a list of names, each found with {@link java.util.ServiceLoader} as an
 * {@link EventInterceptorProvider}). Builder-registered interceptors come first, in registration order, then the
 * configured ones in list order. "Before" hooks run in that order; "after" and failure hooks in reverse, so an
 * interceptor's scope nests inside the ones registered before it.
 *
 * <p><b>Pairing.</b> Each {@link #beforePublish} is followed by exactly one of {@link #afterPublish} or
 * {@link #publishFailed}; each {@link #beforeHandle} by exactly one of {@link #afterHandle} or {@link #handleFailed},
 * <em>on the same thread</em>, so thread-bound state (a tracing scope, a logging context) can be opened before and
 * closed after. The handler runs between them on that thread.
 *
 * <p><b>Failures are contained.</b> A hook that throws is logged (at WARN the first time per interceptor and hook, at
 * DEBUG after that) and otherwise ignored: the event is still published or handled and settled as if the hook had
 * returned, and the other interceptors still run. A hook must not block: it runs on the publishing thread, on a
 * transport's completion thread or on a subscription's worker, and holds up whatever that thread does next.
 *
 * <p><b>Cost.</b> A bus without interceptors does none of this work. With interceptors, each publish and each handling
 * attempt creates one small context object.
 *
 * <p>Implementations must be thread safe: hooks are called from many threads at once. Every method has a no-op
 * default, so an interceptor implements only what it needs.
 */
public interface EventInterceptor {

    /** The bus was opened with this interceptor. Called once, before the bus is handed to the application. */
    default void busOpened(EventBus bus) {
    }

    /**
     * A subscription was created (its {@link Subscription#ready()} may still be pending). Read-only use: the
     * subscription's options, health, {@link Subscription#queuedEvents()}, {@link Subscription#lag()}.
     */
    default void subscribed(Subscription subscription) {
    }

    /** A subscription ended: closed by the application, or stopped on its own and then closed. */
    default void unsubscribed(Subscription subscription) {
    }

    /** The bus closed (after its subscriptions). Called once. */
    default void busClosed(EventBus bus) {
    }

    /**
     * An event is about to be handed to the transport, on the publishing thread (the application's, or a
     * subscription's worker for a dead letter). May add headers with {@link PublishContext#header(String, String)}.
     */
    default void beforePublish(PublishContext context) {
    }

    /**
     * The broker acknowledged the event. Runs on the thread that completes the publish (a transport's completion
     * thread), before the application's own continuations on the publish result.
     */
    default void afterPublish(PublishContext context, PublishReceipt receipt) {
    }

    /** The publish failed with {@code error} (the {@link io.relaybus.api.BusException} the application sees). */
    default void publishFailed(PublishContext context, Throwable error) {
    }

    /** A handling attempt is about to start, on the subscription's worker thread that then runs the handler. */
    default void beforeHandle(HandlingContext context) {
    }

    /** The handler returned and the event was acknowledged. Same thread as {@link #beforeHandle}. */
    default void afterHandle(HandlingContext context) {
    }

    /**
     * The handler threw {@code error} (or the attempt ended without settling the event), and {@code outcome} says
     * what happens to the event. Same thread as {@link #beforeHandle}. For {@link HandlingOutcome#RETRY} it is called
     * before the backoff; for {@link HandlingOutcome#DEAD_LETTER} once the dead letter was stored, so the dead
     * letter's own publish hooks ran between the handler and this call, on this thread.
     */
    default void handleFailed(HandlingContext context, Throwable error, HandlingOutcome outcome) {
    }
}
