package io.relaybus.nats;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.ConsumerInfo;
import io.relaybus.embedded.EmbeddedNats;
import io.relaybus.embedded.EmbeddedNatsCluster;
import io.relaybus.tck.ClusterTestSize;
import io.relaybus.tck.FailoverScenario;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * JetStream on a real 3-node nats-server cluster with an R3 stream: 3 publishers and a group of 3 members (one
 * durable pull consumer) while the stream leader and then the meta leader are killed (-9) mid-stream. No acknowledged
 * event may be lost, no publish may fail or hang (publishes are sent again while the stream has no leader), publishing
 * and consuming resume, and the group's consumer is not re-created; duplicates and recovery times are reported.
 *
 * <p>Size: {@value ClusterTestSize#DEFAULT_EVENTS} events by default; {@code -Drelaybus.cluster.events=100000} (or
 * {@code RELAYBUS_CLUSTER_EVENTS}) runs the full size.
 */
@Tag("broker")
class NatsClusterFailoverTest {

    @AutoClose
    private static EmbeddedNatsCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = EmbeddedNatsCluster.start();
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    @DisplayName("kill -9 of the stream leader, then of the meta leader: 0 acknowledged events lost, both resume")
    @SuppressWarnings("try") // jnats Connection.close() declares InterruptedException
    void streamLeaderAndMetaLeaderKilledMidStream() throws Exception {
        String topic = "failover-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> config = Map.of("bus.transport", "nats", "nats.servers", cluster.urls(),
                "nats.stream.replicas", 3, "nats.reconnect.wait.ms", 250,
                // Above a stream leader election (5-8 s measured here), as the README recommends on a cluster.
                "nats.publish.timeout.ms", 20_000);
        Instant[] firstKill = new Instant[1];
        FailoverScenario scenario = FailoverScenario.builder(config, topic)
                .events(ClusterTestSize.events())
                .publishTime(ClusterTestSize.publishTime())
                .shardOf(r -> r.position().substring(0, r.position().indexOf('#')))
                .fault(new NodeFault("stream leader") {
                    @Override
                    public String inject(Map<String, Long> ackedPerShard) {
                        String stream = ackedPerShard.keySet().iterator().next();
                        firstKill[0] = Instant.now();
                        kill(await(() -> cluster.streamLeader(stream), "a leader of stream " + stream));
                        return stream;
                    }
                })
                .fault(new NodeFault("meta leader") {
                    @Override
                    public String inject(Map<String, Long> ackedPerShard) {
                        kill(await(cluster::metaLeader, "a meta leader"));
                        return null;
                    }
                })
                .build();
        FailoverScenario.Result result = scenario.run();
        System.out.print(result.report("nats 3-node cluster, R3 stream"));

        result.assertNothingLostOrHung();
        assertEquals(0, result.failed(), "publishes ride out the elections (sent again until the publish "
                + "timeout)\n" + result.report(""));
        // The group's durable consumer rode out both elections: the one created before the first kill is still the
        // only one, not re-created.
        String stream = result.faults().get(0).shard();
        try (Connection nc = Nats.connect(cluster.urls())) {
            List<ConsumerInfo> consumers = nc.jetStreamManagement().getConsumers(stream);
            assertEquals(1, consumers.size(), String.valueOf(consumers));
            assertTrue(consumers.get(0).getCreationTime().toInstant().isBefore(firstKill[0]),
                    "consumer created " + consumers.get(0).getCreationTime() + ", first kill at " + firstKill[0]);
        }
    }

    private static EmbeddedNats await(Supplier<Optional<EmbeddedNats>> probe, String what) {
        return cluster.awaitFound(what, Duration.ofSeconds(60), probe);
    }

    /** Kills one node; heals by restarting it and waiting until every stream and consumer is current again. */
    private abstract static class NodeFault extends FailoverScenario.NodeKill<EmbeddedNats> {
        NodeFault(String name) {
            super(name, cluster::kill, node -> {
                cluster.restart(node);
                cluster.awaitCurrent(Duration.ofSeconds(120));
            }, EmbeddedNats::serverName);
        }
    }
}
