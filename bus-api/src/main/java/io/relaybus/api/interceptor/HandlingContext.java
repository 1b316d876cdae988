package io.relaybus.api.interceptor;

import io.relaybus.api.Event;

import java.util.Optional;

/**
 * One handling attempt of one event, as interceptors see it. Created by the runtime per attempt (only when
 * interceptors are registered), passed to {@link EventInterceptor#beforeHandle} and then, on the same thread, to
 * {@link EventInterceptor#afterHandle} or {@link EventInterceptor#handleFailed}.
 */
public interface HandlingContext {

    /** The event being handled, exactly as the handler gets it. */
    Event event();

    /** The transport's name: {@code kafka}, {@code nats}, {@code memory}, or a third-party one. */
    String transport();

    /** The subscription's name, {@code topic[group]}, as in logs, health and dead-letter headers. */
    String subscription();

    /** The subscription's group, or empty when it has none. */
    Optional<String> group();

    /** 1 for the first attempt; counts this subscription's handler failures for the event, plus one. */
    int attempt();

    /** Stores a value for a later hook of the same attempt; use a key of your own (a private object). */
    void put(Object key, Object value);

    /** The value {@link #put} stored under {@code key}, or null. */
    Object get(Object key);
}
