package io.relaybus.opentelemetry;

import com.google.auto.service.AutoService;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.relaybus.api.interceptor.EventInterceptor;
import io.relaybus.api.interceptor.EventInterceptorProvider;

import java.util.Map;

/**
 * {@code bus.interceptors=opentelemetry}: an {@link EventBusTracing} over {@link GlobalOpenTelemetry}, which the
 * OpenTelemetry Java agent or the SDK's autoconfiguration sets up. Without either, the API's no-op implementation
 * makes it do nothing.
 */
@AutoService(EventInterceptorProvider.class)
public final class EventBusTracingProvider implements EventInterceptorProvider {

    @Override
    public String name() {
        return "opentelemetry";
    }

    @Override
    public EventInterceptor create(Map<String, Object> config) {
        return EventBusTracing.create(GlobalOpenTelemetry.get());
    }
}
