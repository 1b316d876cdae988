/**
 * OpenTelemetry tracing for Relaybus: {@link io.relaybus.opentelemetry.EventBusTracing}, an interceptor that
 * propagates trace context in event headers and records publish and process spans
 * ({@link io.relaybus.opentelemetry.SpanAttributes}).
 */
package io.relaybus.opentelemetry;
