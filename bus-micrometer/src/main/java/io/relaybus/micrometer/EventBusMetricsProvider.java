package io.relaybus.micrometer;

import com.google.auto.service.AutoService;
import io.micrometer.core.instrument.Metrics;
import io.relaybus.api.interceptor.EventInterceptor;
import io.relaybus.api.interceptor.EventInterceptorProvider;

import java.util.Map;

/**
 * {@code bus.interceptors=micrometer}: an {@link EventBusMetrics} bound to Micrometer's global registry
 * ({@link Metrics#globalRegistry}), to which Spring Boot adds its own registry by default. Register your own
 * {@link EventBusMetrics} on the builder instead to bind to a registry of your choice.
 */
@AutoService(EventInterceptorProvider.class)
public final class EventBusMetricsProvider implements EventInterceptorProvider {

    @Override
    public String name() {
        return "micrometer";
    }

    @Override
    public EventInterceptor create(Map<String, Object> config) {
        EventBusMetrics metrics = new EventBusMetrics();
        metrics.bindTo(Metrics.globalRegistry);
        return metrics;
    }
}
