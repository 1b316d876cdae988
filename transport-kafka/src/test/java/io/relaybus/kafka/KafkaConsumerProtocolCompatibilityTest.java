package io.relaybus.kafka;

import io.relaybus.tck.Features;
import io.relaybus.tck.TransportCompatibilityKit;
import org.junit.jupiter.api.Tag;

import java.util.Map;

/**
 * The compatibility kit once more with {@code kafka.group.protocol=consumer} (KIP-848), whose members may be handed
 * an empty assignment first and their partitions a heartbeat later. The broker-restart contract runs in
 * {@link KafkaTransportCompatibilityTest} only, to keep the module's test time down.
 */
@Tag("broker")
class KafkaConsumerProtocolCompatibilityTest extends TransportCompatibilityKit {

    @Override
    protected Map<String, Object> busConfig() {
        return KafkaTestSupport.busConfig(KafkaConfig.GROUP_PROTOCOL_CONFIG, "consumer");
    }

    @Override
    protected Features features() {
        return Features.all().withBrokerRestart(false);
    }
}
