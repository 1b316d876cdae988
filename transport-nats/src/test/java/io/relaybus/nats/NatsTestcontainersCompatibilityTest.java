package io.relaybus.nats;

import io.relaybus.tck.Features;
import io.relaybus.tck.TransportCompatibilityKit;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.junit.jupiter.api.Tag;

import java.util.Map;

/**
 * The compatibility kit against the official {@code nats:2.10} image with JetStream, where a Docker engine is
 * available; skipped (not failed) without one. No restart: a restarted container gets a new mapped port.
 */
@Testcontainers(disabledWithoutDocker = true)
@Tag("broker")
class NatsTestcontainersCompatibilityTest extends TransportCompatibilityKit {

    @Container
    @SuppressWarnings("resource")
    static final GenericContainer<?> NATS = new GenericContainer<>("nats:2.10")
            .withCommand("-js")
            .withExposedPorts(4222)
            .waitingFor(Wait.forLogMessage(".*Server is ready.*", 1));

    @Override
    protected Map<String, Object> busConfig() {
        return Map.of("bus.transport", "nats",
                "nats.servers", "nats://" + NATS.getHost() + ":" + NATS.getMappedPort(4222));
    }

    @Override
    protected Features features() {
        return Features.all().withBrokerRestart(false);
    }
}
