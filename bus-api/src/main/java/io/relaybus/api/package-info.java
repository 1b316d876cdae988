/**
 * What applications compile against: {@link io.relaybus.api.Event}, {@link io.relaybus.api.EventBus}
 * (publish, subscribe, health, metrics) and the options that shape a subscription.
 *
 * <p>A bus is opened from configuration with {@link io.relaybus.api.EventBus#open(java.util.Map)} or
 * {@link io.relaybus.api.EventBus#builder()}; the transport is chosen by name ({@code bus.transport=kafka}),
 * never by class. Transports are plain jars found on the class path.
 */
package io.relaybus.api;
