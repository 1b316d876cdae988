/**
 * The contracts a transport implements: {@link io.relaybus.spi.TransportProvider} (found with
 * {@link java.util.ServiceLoader}), {@link io.relaybus.spi.Transport}, {@link io.relaybus.spi.TransportSubscription}
 * and {@link io.relaybus.spi.Delivery}, and what the runtime hands a transport: {@link io.relaybus.spi.DeliverySink},
 * {@link io.relaybus.spi.SubscriptionSpec}, {@link io.relaybus.spi.TransportContext}. The contract is deliberately
 * small: publish, subscribe with per-delivery settlement, close. Configuration definitions are in
 * {@link io.relaybus.spi.config}, optional helpers in {@link io.relaybus.spi.support}. Dispatch with per-key order
 * and backpressure, retries, dead letters, batching, metrics and interceptors are applied by the runtime
 * ({@code io.relaybus.runtime}, not API) to every transport alike; a transport never re-implements them.
 */
package io.relaybus.spi;
