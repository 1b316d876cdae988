package io.relaybus.bench;

import io.relaybus.embedded.BrokerHandle;
import io.relaybus.embedded.EmbeddedKafkaCluster;
import io.relaybus.embedded.EmbeddedNats;
import io.relaybus.embedded.EmbeddedNatsCluster;

import java.time.Duration;

/**
 * {@code --cluster}: the 3-node clusters the bench starts for a run, and {@code --failover}: which node each measured
 * run kills (the leader of the run's partition 0, or of its stream) and how it is brought back.
 */
final class ClusterRun {

    private static final Duration HEAL_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration ELECTION_TIMEOUT = Duration.ofSeconds(30);

    /** Each Kafka node's heap: less than the single broker's 1 GiB, three of them share the machine. */
    static final String KAFKA_NODE_HEAP = "768m";

    private ClusterRun() {
    }

    static EmbeddedKafkaCluster startKafka(Runner runner, Progress progress) {
        progress.message("starting an embedded 3-node KRaft cluster ...");
        EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.builder().heap(KAFKA_NODE_HEAP).start();
        runner.brokers(cluster.nodes().toArray(BrokerHandle[]::new));
        progress.done();
        return cluster;
    }

    static EmbeddedNatsCluster startNats(Runner runner, Progress progress) {
        progress.message("starting an embedded 3-node nats-server cluster ...");
        EmbeddedNatsCluster cluster = EmbeddedNatsCluster.start();
        runner.brokers(cluster.nodes().toArray(BrokerHandle[]::new));
        progress.done();
        return cluster;
    }

    /** Kills the leader of partition 0 of the run's topic; heals by restarting it until every replica is in sync. */
    static Runner.Failover kafka(EmbeddedKafkaCluster cluster) {
        return new Runner.Failover() {
            private int node;

            @Override
            public String kill(Target target) {
                String topic = target.destination();
                node = cluster.awaitFound("a leader of " + topic + "-0", ELECTION_TIMEOUT,
                        () -> cluster.leaderOf(topic, 0));
                cluster.kill(node);
                return "node " + node + " (leader of " + topic + "-0)";
            }

            @Override
            public void heal() {
                cluster.restart(node);
                cluster.awaitInSync(HEAL_TIMEOUT);
            }
        };
    }

    /** Kills the leader of the run's stream; heals by restarting it until every stream and consumer is current. */
    static Runner.Failover nats(EmbeddedNatsCluster cluster) {
        return new Runner.Failover() {
            private EmbeddedNats node;

            @Override
            public String kill(Target target) {
                String stream = target.destination();
                node = cluster.awaitFound("a leader of stream " + stream, ELECTION_TIMEOUT,
                        () -> cluster.streamLeader(stream));
                cluster.kill(node);
                return node.serverName() + " (leader of stream " + stream + ")";
            }

            @Override
            public void heal() {
                cluster.restart(node);
                cluster.awaitCurrent(HEAL_TIMEOUT);
            }
        };
    }
}
