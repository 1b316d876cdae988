package io.relaybus.tck;

import java.util.Map;
import java.util.UUID;

/** The kit against the in-memory reference transport. */
class MemoryTransportCompatibilityTest extends TransportCompatibilityKit {

    private final String broker = "tck-" + UUID.randomUUID();

    @Override
    protected Map<String, Object> busConfig() {
        return Map.of("bus.transport", "memory", "memory.broker", broker);
    }

    @Override
    protected Features features() {
        // An in-JVM broker cannot be restarted without losing everything, so that contract does not apply.
        return Features.all().withBrokerRestart(false);
    }
}
