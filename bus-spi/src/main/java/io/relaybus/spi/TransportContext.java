package io.relaybus.spi;

import io.relaybus.spi.config.ConfigValues;

/**
 * What the runtime hands a provider when it creates a transport.
 *
 * @param clientId a name for this bus instance, to use as client id / connection name on the broker
 * @param config   the transport's own validated configuration ({@code <name>.*} keys, defaults applied)
 */
public record TransportContext(String clientId, ConfigValues config) {
}
