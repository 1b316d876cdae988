package io.relaybus.nats;

import io.relaybus.embedded.BrokerHandle;
import io.relaybus.embedded.TestBrokers;
import io.relaybus.tck.Features;
import io.relaybus.tck.TransportCompatibilityKit;
import org.junit.jupiter.api.Tag;

import java.util.Map;

/** The compatibility kit against JetStream: every feature, the broker restart included (embedded server only). */
@Tag("broker")
class NatsJetStreamCompatibilityTest extends TransportCompatibilityKit {

    private final BrokerHandle nats = TestBrokers.nats();

    @Override
    protected Map<String, Object> busConfig() {
        return Map.of("bus.transport", "nats", "nats.servers", nats.address(), "nats.reconnect.wait.ms", "250");
    }

    @Override
    protected Features features() {
        return Features.all().withBrokerRestart(nats.canRestart());
    }

    @Override
    protected void restartBroker() {
        nats.restart();
    }
}
