package io.relaybus.kafka;

import io.relaybus.embedded.EmbeddedKafkaCluster;
import io.relaybus.tck.ClusterTestSize;
import io.relaybus.tck.FailoverScenario;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The durable profile on a real 3-node KRaft cluster: 3 publishers and a group of 3 members while the leader of the
 * busiest partition and then the active controller are killed (-9) mid-stream. No acknowledged event may be lost, no
 * publish may hang, and the group must keep consuming; duplicates and recovery times are reported.
 *
 * <p>Size: {@value ClusterTestSize#DEFAULT_EVENTS} events by default; {@code -Drelaybus.cluster.events=100000} (or the
 * environment variable {@code RELAYBUS_CLUSTER_EVENTS}) runs the full size.
 */
@Tag("broker")
class KafkaClusterFailoverTest {

    @AutoClose
    private static EmbeddedKafkaCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = EmbeddedKafkaCluster.start();
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    @DisplayName("kill -9 of the busiest partition's leader, then of the controller: 0 acknowledged events lost")
    void leaderAndControllerKilledMidStream() throws Exception {
        String topic = KafkaTestSupport.unique("failover");
        Map<String, Object> config = Map.of("bus.transport", "kafka",
                KafkaConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());    // durable profile, defaults
        FailoverScenario scenario = FailoverScenario.builder(config, topic)
                .events(ClusterTestSize.events())
                .publishTime(ClusterTestSize.publishTime())
                .shardOf(r -> r.position().substring(0, r.position().indexOf('@')))
                .fault(new NodeFault("leader of the busiest partition") {
                    @Override
                    public String inject(Map<String, Long> ackedPerShard) {
                        String busiest = ackedPerShard.entrySet().stream().max(Map.Entry.comparingByValue())
                                .orElseThrow().getKey();
                        kill(cluster.leaderOf(topic, Integer.parseInt(busiest)).orElseThrow());
                        return busiest;
                    }
                })
                .fault(new NodeFault("active controller") {
                    @Override
                    public String inject(Map<String, Long> ackedPerShard) {
                        kill(cluster.controllerId());
                        return null;
                    }
                })
                .build();
        FailoverScenario.Result result = scenario.run();
        System.out.print(result.report("kafka 3-node cluster, durable profile"));

        result.assertNothingLostOrHung();
        assertTrue(result.acknowledged() > result.events() / 2, result.report("most publishes succeed"));
        result.failures().keySet().forEach(message -> assertTrue(message.startsWith("Bus") && message
                .contains(topic), "a failed publish says what failed, with a BusException: " + message));
        // The topic the transport created under the durable profile: 3 replicas, min.insync.replicas 2.
        assertEquals(3, cluster.describe(topic).partitions().get(0).replicas().size());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                cluster.bootstrapServers()))) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config topicConfig = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS)
                    .get(resource);
            assertEquals("2", topicConfig.get("min.insync.replicas").value());
        }
    }

    /** Kills one node of the cluster; heals by restarting it and waiting until every replica is in sync again. */
    private abstract static class NodeFault extends FailoverScenario.NodeKill<Integer> {
        NodeFault(String name) {
            super(name, cluster::kill, node -> {
                cluster.restart(node);
                cluster.awaitInSync(Duration.ofSeconds(120));
            }, node -> "node " + node);
        }
    }
}
