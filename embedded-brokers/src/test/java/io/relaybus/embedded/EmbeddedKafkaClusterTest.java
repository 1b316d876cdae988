package io.relaybus.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real 3-node KRaft cluster: an RF3 topic keeps an acknowledged record across kill -9 of its partition leader and
 * of the active controller; a new leader and a new controller are elected; restarted nodes rejoin the ISR.
 */
@Tag("cluster")
class EmbeddedKafkaClusterTest {

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void leaderAndControllerFailOver() throws Exception {
        EmbeddedKafkaCluster closed = Lifecycle.startStepsClose("kafka cluster", EmbeddedKafkaCluster::start,
                EmbeddedKafkaCluster::bootstrapServers, cluster -> {
            assertEquals(3, cluster.size());
            assertEquals(3, cluster.bootstrapServers().split(",").length);
            assertEquals(java.util.Set.of(1, 2, 3), cluster.liveBrokers());
            for (EmbeddedKafka node : cluster.nodes()) {
                assertNotEquals(9092, node.port());
            }
            String topic = "t-cluster";
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    cluster.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 3))).all().get(30, TimeUnit.SECONDS);
            }
            cluster.awaitInSync(Duration.ofSeconds(60));
            assertEquals(3, cluster.describe(topic).partitions().get(0).isr().size());
            KafkaStrings.send(cluster.bootstrapServers(), topic, "before", Duration.ofSeconds(60));

            int leader = cluster.leaderOf(topic, 0).orElseThrow();
            long t1 = System.nanoTime();
            cluster.kill(leader);
            assertFalse(cluster.node(leader).isRunning());
            int newLeader = awaitLeaderOtherThan(cluster, topic, leader);
            System.out.printf("kafka partition leader %d killed; node %d leads after %d ms%n", leader, newLeader,
                    Lifecycle.ms(t1));
            KafkaStrings.send(cluster.bootstrapServers(), topic, "after-leader-kill", Duration.ofSeconds(60));
            long t2 = System.nanoTime();
            cluster.restart(leader);
            cluster.awaitInSync(Duration.ofSeconds(90));
            System.out.printf("kafka node %d restarted and in sync after %d ms%n", leader, Lifecycle.ms(t2));

            int controller = cluster.controllerId();
            long t3 = System.nanoTime();
            cluster.kill(controller);
            int newController = awaitControllerOtherThan(cluster, controller);
            System.out.printf("kafka controller %d killed; node %d controls after %d ms%n", controller,
                    newController, Lifecycle.ms(t3));
            KafkaStrings.send(cluster.bootstrapServers(), topic, "after-controller-kill", Duration.ofSeconds(60));
            cluster.restart(controller);
            cluster.awaitInSync(Duration.ofSeconds(90));

            assertEquals(List.of("before", "after-leader-kill", "after-controller-kill"),
                    KafkaStrings.readAll(cluster.bootstrapServers(), topic, 3, Duration.ofSeconds(60)));
            assertTrue(Files.size(cluster.node(1).logFile()) > 0);
        });
        for (EmbeddedKafka node : closed.nodes()) {
            assertFalse(node.isRunning());
        }
    }

    private static int awaitLeaderOtherThan(EmbeddedKafkaCluster cluster, String topic, int old) {
        return cluster.awaitFound("a new leader for " + topic, Duration.ofSeconds(60),
                () -> cluster.leaderOf(topic, 0).filter(leader -> leader != old));
    }

    private static int awaitControllerOtherThan(EmbeddedKafkaCluster cluster, int old) {
        return cluster.awaitFound("a new controller", Duration.ofSeconds(60), () -> {
            try {
                int controller = cluster.controllerId();
                return controller != old && controller >= 1 ? Optional.of(controller) : Optional.empty();
            } catch (IllegalStateException e) {
                return Optional.empty();   // no quorum leader known yet
            }
        });
    }
}
