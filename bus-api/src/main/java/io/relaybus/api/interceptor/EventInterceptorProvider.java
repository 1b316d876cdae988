package io.relaybus.api.interceptor;

import java.util.Map;

/**
 * Creates an {@link EventInterceptor} named in {@code bus.interceptors}. Found with {@link java.util.ServiceLoader}
 * (register it in {@code META-INF/services/io.relaybus.api.interceptor.EventInterceptorProvider}, for example with
 * {@code @AutoService}). Names are lowercase letters, digits and dashes, unique on the class path.
 */
public interface EventInterceptorProvider {

    /** The name used in {@code bus.interceptors}, for example {@code micrometer}. */
    String name();

    /**
     * Creates the interceptor for one bus, once per bus opened.
     *
     * @param config the bus's whole configuration, unmodifiable; an interceptor reads only keys of its own namespace
     */
    EventInterceptor create(Map<String, Object> config);
}
