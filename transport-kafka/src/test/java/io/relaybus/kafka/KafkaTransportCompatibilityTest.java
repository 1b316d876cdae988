package io.relaybus.kafka;

import io.relaybus.tck.Features;
import io.relaybus.tck.TransportCompatibilityKit;
import org.junit.jupiter.api.Tag;

import java.util.Map;

/**
 * The compatibility kit against a real KRaft broker: the shared embedded one, or an external cluster named by
 * {@code RELAYBUS_TEST_KAFKA_BOOTSTRAP} (then without the broker-restart contract, which needs to control the broker).
 */
@Tag("broker")
class KafkaTransportCompatibilityTest extends TransportCompatibilityKit {

    @Override
    protected Map<String, Object> busConfig() {
        return KafkaTestSupport.busConfig();
    }

    @Override
    protected Features features() {
        return Features.all().withBrokerRestart(KafkaTestSupport.broker().canRestart());
    }

    @Override
    protected void restartBroker() {
        KafkaTestSupport.broker().restart();
    }
}
