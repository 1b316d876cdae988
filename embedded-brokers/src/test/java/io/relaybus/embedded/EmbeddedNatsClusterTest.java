package io.relaybus.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real 3-node nats-server cluster: an R3 stream is created through one node, its leader and the meta leader are
 * found, killed and replaced by an election, and the stream survives on the restarted nodes.
 */
@Tag("cluster")
class EmbeddedNatsClusterTest {

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void streamLeaderAndMetaLeaderFailOver() throws Exception {
        Lifecycle.startStepsClose("nats cluster", EmbeddedNatsCluster::start, EmbeddedNatsCluster::urls, cluster -> {
            assertEquals(3, cluster.nodes().size());
            Set<String> names = new HashSet<>();
            for (EmbeddedNats node : cluster.nodes()) {
                assertTrue(node.isRunning());
                assertNotEquals(4222, node.port());
                assertTrue(node.monitorUrl().isPresent());
                names.add(node.serverName());
                assertTrue(EmbeddedNatsTest.infoLine(node.port()).contains("\"cluster\":\"relaybus\""));
            }
            assertEquals(Set.of("relaybus-n1", "relaybus-n2", "relaybus-n3"), names);
            assertTrue(cluster.metaLeader().isPresent());

            EmbeddedNats first = cluster.nodes().get(0);
            String created = EmbeddedNatsTest.request(first.port(), "$JS.API.STREAM.CREATE.ORDERS",
                    "{\"name\":\"ORDERS\",\"subjects\":[\"orders.>\"],\"storage\":\"file\",\"num_replicas\":3}");
            assertTrue(created.contains("\"num_replicas\":3"), created);
            EmbeddedNats leader = await(cluster, "a leader for ORDERS", () -> cluster.streamLeader("ORDERS"));
            cluster.awaitCurrent(Duration.ofSeconds(60));

            long t1 = System.nanoTime();
            cluster.kill(leader);
            assertFalse(leader.isRunning());
            EmbeddedNats newLeader = await(cluster, "a new leader for ORDERS",
                    () -> cluster.streamLeader("ORDERS").filter(n -> n != leader));
            System.out.printf("nats stream leader %s killed; %s leads after %d ms%n", leader.serverName(),
                    newLeader.serverName(), Lifecycle.ms(t1));
            cluster.restart(leader);
            cluster.awaitCurrent(Duration.ofSeconds(60));

            EmbeddedNats meta = await(cluster, "a meta leader", cluster::metaLeader);
            long t2 = System.nanoTime();
            cluster.kill(meta);
            EmbeddedNats newMeta = await(cluster, "a new meta leader",
                    () -> cluster.metaLeader().filter(n -> n != meta));
            System.out.printf("nats meta leader %s killed; %s leads after %d ms%n", meta.serverName(),
                    newMeta.serverName(), Lifecycle.ms(t2));
            cluster.restart(meta);
            cluster.awaitCurrent(Duration.ofSeconds(60));
            for (EmbeddedNats node : cluster.nodes()) {
                assertTrue(EmbeddedNatsTest.request(node.port(), "$JS.API.STREAM.INFO.ORDERS", "")
                        .contains("\"num_replicas\":3"), "every node still serves the stream");
            }
            assertTrue(Files.readString(first.logFile()).contains("Server is ready"));
        });
    }

    private static EmbeddedNats await(EmbeddedNatsCluster cluster, String what,
            Supplier<Optional<EmbeddedNats>> probe) {
        return cluster.awaitFound(what, Duration.ofSeconds(60), probe);
    }
}
