package io.relaybus.api.interceptor;

import io.relaybus.api.Event;

/**
 * One publish, as interceptors see it. Created by the runtime per publish (only when interceptors are registered),
 * passed to {@link EventInterceptor#beforePublish} and then to {@link EventInterceptor#afterPublish} or
 * {@link EventInterceptor#publishFailed}. Those calls may run on different threads, one after the other; the context
 * is not meant to be used concurrently.
 */
public interface PublishContext {

    /** The event as it will be (or was) sent: with the headers interceptors added so far. */
    Event event();

    /** The transport's name: {@code kafka}, {@code nats}, {@code memory}, or a third-party one. */
    String transport();

    /**
     * Adds a header to the event, replacing one of the same name. Only during
     * {@link EventInterceptor#beforePublish}; later calls throw {@link IllegalStateException}.
     */
    void header(String name, String value);

    /** Stores a value for a later hook of the same publish; use a key of your own (a private object). */
    void put(Object key, Object value);

    /** The value {@link #put} stored under {@code key}, or null. */
    Object get(Object key);
}
