package io.relaybus.api;

import io.relaybus.api.interceptor.EventInterceptor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Collects configuration and opens an {@link EventBus}. Keys are dotted and namespaced: {@code bus.*} for the runtime,
 * {@code <transport>.*} for a transport (see the README's configuration reference). Not thread safe.
 */
public final class EventBusBuilder {

    private final Map<String, Object> config = new LinkedHashMap<>();
    private final List<EventInterceptor> interceptors = new ArrayList<>();
    private ClassLoader classLoader;

    EventBusBuilder() {
    }

    /** Names the transport: sets {@code bus.transport}. */
    public EventBusBuilder transport(String name) {
        return property(EventBus.TRANSPORT_CONFIG, name);
    }

    public EventBusBuilder property(String key, Object value) {
        config.put(Objects.requireNonNull(key, "key"), value);
        return this;
    }

    public EventBusBuilder properties(Map<String, ?> values) {
        values.forEach(this::property);
        return this;
    }

    public EventBusBuilder properties(Properties values) {
        values.stringPropertyNames().forEach(k -> property(k, values.getProperty(k)));
        return this;
    }

    /**
     * Adds an interceptor; see {@link EventInterceptor}. Interceptors added here run before those named in
     * {@code bus.interceptors}, in the order added.
     */
    public EventBusBuilder interceptor(EventInterceptor interceptor) {
        interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
        return this;
    }

    /**
     * The class loader used to find transports and interceptors named in {@code bus.interceptors}; defaults to the thread's context class loader, else this class's.
     * A Connect plugin or an application server passes its own.
     */
    public EventBusBuilder classLoader(ClassLoader loader) {
        this.classLoader = loader;
        return this;
    }

    /**
     * Validates the configuration, loads the named transport and connects.
     *
     * @throws BusConfigException listing every invalid key, or naming the transport that was not found
     * @throws BusException       when the transport cannot start
     */
    public EventBus build() {
        ClassLoader loader = classLoader;
        if (loader == null) {
            loader = Thread.currentThread().getContextClassLoader();
        }
        if (loader == null) {
            loader = EventBusBuilder.class.getClassLoader();
        }
        return EventBus.factory(loader).open(Map.copyOf(withoutNulls()), List.copyOf(interceptors), loader);
    }

    private Map<String, Object> withoutNulls() {
        Map<String, Object> copy = new LinkedHashMap<>();
        config.forEach((k, v) -> {
            if (v != null) {
                copy.put(k, v);
            }
        });
        return copy;
    }
}
