/**
 * The runtime behind {@link io.relaybus.api.EventBus}: opens a bus from configuration, wraps a
 * {@link io.relaybus.spi.Transport} with the shared core. Not an API: nothing here is for applications or transports.
 */
package io.relaybus.runtime;
