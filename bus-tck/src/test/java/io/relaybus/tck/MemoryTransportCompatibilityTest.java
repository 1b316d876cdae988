package io.relaybus.tck;

import io.relaybus.memory.MemoryTransportProvider;

import java.util.Map;
import java.util.UUID;

/**
 * The kit against the in-memory reference transport. Its broker restart is the stand-in that reopens the same
 * storage ({@link MemoryTransportProvider#restartBroker}).
 */
class MemoryTransportCompatibilityTest extends TransportCompatibilityKit {

    private final String broker = "tck-" + UUID.randomUUID();

    @Override
    protected Map<String, Object> busConfig() {
        return Map.of("bus.transport", "memory", "memory.broker", broker);
    }

    @Override
    protected Features features() {
        return Features.all();
    }

    @Override
    protected void restartBroker() {
        if (!MemoryTransportProvider.restartBroker(broker)) {
            throw new IllegalStateException("no memory broker named " + broker + " was opened");
        }
    }
}
