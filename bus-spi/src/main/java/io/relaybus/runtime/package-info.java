/**
 * The runtime behind {@link io.relaybus.api.EventBus}: opens a bus from configuration ({@code bus.*} keys), selects
 * the transport by name ({@link io.relaybus.runtime.TransportRegistry}), and applies to every transport alike what no
 * transport writes itself: dispatch with per-key order and backpressure ({@link io.relaybus.runtime.KeyedDispatcher}),
 * retries, dead letters, batch handling, health, metrics and interceptors. Not API: nothing here is for applications
 * or transports, and most of it is package-private; the public classes are public only for the service loader, the
 * project's own tests and benchmarks.
 */
package io.relaybus.runtime;
