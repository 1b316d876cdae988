/**
 * Interceptors: hooks around publishing and handling (able to read and add headers) and the life of a bus and its
 * subscriptions, applied by the runtime on every transport alike. Metrics ({@code io.relaybus:bus-micrometer}) and
 * tracing ({@code io.relaybus:bus-opentelemetry}) are built on them. See {@link io.relaybus.api.interceptor.EventInterceptor}.
 */
package io.relaybus.api.interceptor;
