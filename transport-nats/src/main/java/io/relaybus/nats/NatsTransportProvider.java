package io.relaybus.nats;

import com.google.auto.service.AutoService;
import io.relaybus.spi.Transport;
import io.relaybus.spi.TransportContext;
import io.relaybus.spi.TransportProvider;
import io.relaybus.api.BusConfigException;
import io.relaybus.spi.config.ConfigDef;
import io.relaybus.spi.config.ConfigValues;

import java.util.List;

/**
 * The NATS transport's entry point, selected with {@code bus.transport=nats}; keys are in {@link NatsConfig}.
 * Stateless and thread safe; {@link #create} connects.
 */
@AutoService(TransportProvider.class)
public final class NatsTransportProvider implements TransportProvider {

    public static final String NAME = "nats";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "NATS JetStream and core NATS via jnats " + jnatsVersion();
    }

    @Override
    public ConfigDef configDef() {
        return NatsConfig.DEFINITION;
    }

    @Override
    public void validate(ConfigValues values, List<BusConfigException.Problem> problems) {
        NatsConfig.validate(values, problems);
    }

    @Override
    public Transport create(TransportContext context) {
        return new NatsTransport(new NatsConfig(context.config()), context.clientId());
    }

    private static String jnatsVersion() {
        Package p = io.nats.client.Nats.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? "2.x" : v;
    }
}
