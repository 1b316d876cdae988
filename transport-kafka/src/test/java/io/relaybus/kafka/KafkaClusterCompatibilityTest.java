package io.relaybus.kafka;

import io.relaybus.embedded.EmbeddedKafkaCluster;
import io.relaybus.tck.Features;
import io.relaybus.tck.TransportCompatibilityKit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

import java.time.Duration;
import java.util.Map;

/**
 * The whole compatibility kit against a real 3-node KRaft cluster with the durable profile (3 replicas,
 * min.insync.replicas 2); its broker restart kills one node (-9), the next one each time, and brings it back.
 * Tagged {@code cluster}: runs with {@code -Pcluster}.
 */
@Tag("cluster")
class KafkaClusterCompatibilityTest extends TransportCompatibilityKit {

    @AutoClose
    private static EmbeddedKafkaCluster cluster;
    private static int restarts;

    @BeforeAll
    static void startCluster() {
        cluster = EmbeddedKafkaCluster.start();
    }

    @Override
    protected Map<String, Object> busConfig() {
        return Map.of("bus.transport", "kafka", KafkaConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    }

    @Override
    protected Features features() {
        return Features.all();
    }

    @Override
    protected void restartBroker() {
        int node = restarts++ % cluster.size() + 1;
        cluster.kill(node);
        cluster.restart(node);
        cluster.awaitInSync(Duration.ofSeconds(120));
    }
}
