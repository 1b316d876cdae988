package io.relaybus.kafka;

import com.google.auto.service.AutoService;
import io.relaybus.api.BusConfigException;
import io.relaybus.spi.Transport;
import io.relaybus.spi.TransportContext;
import io.relaybus.spi.TransportProvider;
import io.relaybus.spi.config.ConfigDef;
import io.relaybus.spi.config.ConfigValues;

import java.util.List;

/**
 * The {@code kafka} transport, selected with {@code bus.transport=kafka}; its keys are in {@link KafkaConfig}.
 * Stateless and cheap to construct: connections are made in {@link #create}.
 */
@AutoService(TransportProvider.class)
public final class KafkaTransportProvider implements TransportProvider {

    public static final String NAME = "kafka";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Apache Kafka via kafka-clients 4.3";
    }

    @Override
    public ConfigDef configDef() {
        return KafkaConfig.DEFINITION;
    }

    /**
     * Checks the pass-through settings against the kafka-clients definitions and the combinations the transport
     * refuses, so that they are reported together with every other problem before anything connects.
     */
    @Override
    public void validate(ConfigValues values, List<BusConfigException.Problem> problems) {
        try {
            new KafkaClientSettings("validate", values);
        } catch (BusConfigException e) {
            problems.addAll(e.problems());
        }
    }

    /**
     * Creates the producer and Admin clients and, unless {@code kafka.startup.check=false}, waits up to
     * {@code kafka.connect.timeout.ms} for the cluster to answer; fails with a
     * {@link io.relaybus.api.BusRetriableException} naming the bootstrap servers when it does not.
     */
    @Override
    public Transport create(TransportContext context) {
        return new KafkaTransport(context.clientId(), context.config());
    }
}
