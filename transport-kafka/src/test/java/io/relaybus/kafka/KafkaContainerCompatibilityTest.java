package io.relaybus.kafka;

import io.relaybus.tck.Features;
import io.relaybus.tck.TransportCompatibilityKit;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.junit.jupiter.api.Tag;

import java.util.Map;

/**
 * The compatibility kit against the official {@code apache/kafka} image in Docker, through Testcontainers. Skipped
 * (not failed) where no Docker engine is available. Broker restart is not declared: a restarted container gets a new
 * host port, and the kit's contract is a restart on the same address.
 */
@Testcontainers(disabledWithoutDocker = true)
@Tag("broker")
class KafkaContainerCompatibilityTest extends TransportCompatibilityKit {

    /** The image; the same Kafka release as the client by default, another one with -Drelaybus.test.kafka.image. */
    @Container
    static final KafkaContainer KAFKA = new KafkaContainer(System.getProperty("relaybus.test.kafka.image",
            "apache/kafka:4.3.1"));

    @Override
    protected Map<String, Object> busConfig() {
        return Map.of("bus.transport", "kafka", KafkaConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.getBootstrapServers(),
                KafkaConfig.PROFILE_CONFIG, "latency");
    }

    @Override
    protected Features features() {
        return Features.all().withBrokerRestart(false);
    }
}
