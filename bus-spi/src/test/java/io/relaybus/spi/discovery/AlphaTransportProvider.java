package io.relaybus.spi.discovery;

import io.relaybus.spi.Transport;
import io.relaybus.spi.TransportContext;
import io.relaybus.spi.TransportProvider;
import io.relaybus.spi.config.ConfigDef;

/** A test transport named "alpha"; listed only in the services files the discovery tests write. */
public class AlphaTransportProvider implements TransportProvider {

    @Override
    public String name() {
        return "alpha";
    }

    @Override
    public ConfigDef configDef() {
        return new ConfigDef(name() + ".");
    }

    @Override
    public Transport create(TransportContext context) {
        throw new UnsupportedOperationException("test provider " + name() + " creates no transport");
    }
}
