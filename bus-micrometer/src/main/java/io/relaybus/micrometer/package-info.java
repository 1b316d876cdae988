/**
 * Micrometer metrics for Relaybus: {@link io.relaybus.micrometer.EventBusMetrics}, an interceptor and
 * {@link io.micrometer.core.instrument.binder.MeterBinder}; the meters are listed in
 * {@link io.relaybus.micrometer.MeterDocs} and the README.
 */
package io.relaybus.micrometer;
