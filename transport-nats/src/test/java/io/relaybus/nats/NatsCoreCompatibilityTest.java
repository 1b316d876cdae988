package io.relaybus.nats;

import io.relaybus.embedded.TestBrokers;
import io.relaybus.tck.Features;
import io.relaybus.tck.TransportCompatibilityKit;
import org.junit.jupiter.api.Tag;

import java.util.Map;

/**
 * The compatibility kit against core NATS ({@code nats.mode=core}): queue groups and per-key order, but nothing is
 * stored, so no persistence, no replay, no restart safety and at most once.
 */
@Tag("broker")
class NatsCoreCompatibilityTest extends TransportCompatibilityKit {

    @Override
    protected Map<String, Object> busConfig() {
        return Map.of("bus.transport", "nats", "nats.mode", "core", "nats.servers", TestBrokers.nats().address());
    }

    @Override
    protected Features features() {
        return Features.builder().consumerGroups(true).perKeyOrder(true).build();
    }
}
