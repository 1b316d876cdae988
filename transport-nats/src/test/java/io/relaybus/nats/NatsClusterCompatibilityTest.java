package io.relaybus.nats;

import io.relaybus.embedded.EmbeddedNats;
import io.relaybus.embedded.EmbeddedNatsCluster;
import io.relaybus.tck.Features;
import io.relaybus.tck.TransportCompatibilityKit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

import java.time.Duration;
import java.util.Map;

/**
 * The whole compatibility kit against a real 3-node JetStream cluster with R3 streams; its broker restart kills one
 * node (-9), the next one each time, and brings it back. Tagged {@code cluster}: runs with {@code -Pcluster}.
 */
@Tag("cluster")
class NatsClusterCompatibilityTest extends TransportCompatibilityKit {

    @AutoClose
    private static EmbeddedNatsCluster cluster;
    private static int restarts;

    @BeforeAll
    static void startCluster() {
        cluster = EmbeddedNatsCluster.start();
    }

    @Override
    protected Map<String, Object> busConfig() {
        return Map.of("bus.transport", "nats", "nats.servers", cluster.urls(), "nats.stream.replicas", 3,
                "nats.reconnect.wait.ms", 250, "nats.publish.timeout.ms", 20_000);
    }

    @Override
    protected Features features() {
        return Features.all();
    }

    @Override
    protected void restartBroker() {
        EmbeddedNats node = cluster.nodes().get(restarts++ % cluster.nodes().size());
        cluster.kill(node);
        cluster.restart(node);
        cluster.awaitCurrent(Duration.ofSeconds(120));
    }
}
