package io.relaybus.api.interceptor;

/** What happens to an event after a handling attempt failed; see {@link EventInterceptor#handleFailed}. */
public enum HandlingOutcome {

    /**
     * The event will be handled again: in place after the retry policy's backoff, after the broker redelivers it, or,
     * when the subscription stopped before it could settle the event, by whichever subscription of the group the
     * broker delivers it to next.
     */
    RETRY,

    /** The retry policy is used up: the event's dead letter was stored and the event is settled. */
    DEAD_LETTER
}
