/**
 * What a transport author implements: {@link io.relaybus.spi.TransportProvider} (found with
 * {@link java.util.ServiceLoader}, registered with {@code @AutoService}), {@link io.relaybus.spi.Transport} and
 * {@link io.relaybus.spi.TransportSubscription}. The contract is deliberately small: publish, subscribe with
 * per-delivery ack, close. Everything every transport needs alike (dispatch with per-key order and backpressure,
 * retries, dead letters, metrics, batching, offset tracking) lives in {@link io.relaybus.spi.core} and is applied by
 * the runtime, never re-implemented by a transport.
 */
package io.relaybus.spi;
