package io.relaybus.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.relaybus.embedded.EmbeddedConnect;
import io.relaybus.embedded.EmbeddedKafkaCluster;
import io.relaybus.embedded.EmbeddedNats;
import io.relaybus.embedded.EmbeddedNatsCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The source connector between two clusters: an R3 stream on a 3-node JetStream cluster mirrored into an RF3 topic
 * (min.insync.replicas 2) on a 3-node KRaft cluster by a real Connect worker, while the stream's leader and then the
 * leader of the topic's partition are killed (-9) mid-mirror and brought back. Every message JetStream acknowledged
 * must reach the topic; duplicates are counted. Tagged {@code cluster}: runs with {@code -Pcluster}.
 */
@Tag("cluster")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BridgeClusterIT {

    private static final Duration RUNNING_TIMEOUT = Duration.ofSeconds(120);

    private EmbeddedKafkaCluster kafka;
    private EmbeddedNatsCluster nats;
    private EmbeddedConnect worker;
    private Connection nc;

    @BeforeAll
    void start() throws Exception {
        nats = EmbeddedNatsCluster.start();
        kafka = EmbeddedKafkaCluster.start();
        worker = BridgeWorker.builder(kafka.bootstrapServers(), "it-cluster-worker")
                .workerProperty("config.storage.replication.factor", "3")
                .workerProperty("offset.storage.replication.factor", "3")
                .workerProperty("status.storage.replication.factor", "3")
                .expectPlugins(NatsSourceConnector.class.getName())
                .start();
        nc = Nats.connect(Options.builder().servers(nats.urls().split(",")).maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(250)).build());
    }

    @AfterAll
    @SuppressWarnings("try")   // the resources are only closed
    void stop() throws Exception {
        // Closed last to first (connection, worker, Kafka, NATS), each even when closing another failed; a null one
        // (not started) is skipped.
        try (EmbeddedNatsCluster n = nats; EmbeddedKafkaCluster k = kafka; EmbeddedConnect w = worker;
             Connection c = nc) {
            // closing is all
        }
    }

    @Test
    @Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
    @DisplayName("NATS R3 stream to Kafka RF3 topic: a NATS node and a Kafka node killed mid-mirror, 0 lost")
    void mirrorSurvivesANatsAndAKafkaNodeKilled() throws Exception {
        int n = 3_000;
        nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("MIRROR").subjects("mirror.>")
                .storageType(StorageType.File).replicas(3).duplicateWindow(Duration.ofMinutes(5)).build());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("mirror-out", 3, (short) 3)
                    .configs(Map.of("min.insync.replicas", "2")))).all().get();
        }
        Map<String, String> source = BridgeWorker.connectorConfig(NatsSourceConnector.class.getName(), nats.urls(),
                "nats.subjects", "mirror.>",
                "kafka.topic.template", "mirror-out",
                "nats.consumer.max.ack.pending", "500",
                "nats.consumer.ack.wait.ms", "15000",
                "batch.max.records", "100");
        worker.rest().createConnector("mirror", source, RUNNING_TIMEOUT);

        // The feeder publishes synchronously, sending a message again (same Nats-Msg-Id) until JetStream acknowledges
        // it: only acknowledged messages count, and none is skipped across the elections.
        Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger resent = new AtomicInteger();
        Thread feeder = new Thread(() -> {
            JetStream js;
            try {
                js = nc.jetStream();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            for (int i = 0; i < n; i++) {
                byte[] body = ("m" + i).getBytes(StandardCharsets.UTF_8);
                Headers headers = new Headers().add("seq", String.valueOf(i));
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (System.nanoTime() < deadline) {
                    try {
                        js.publish("mirror.m", headers, body, PublishOptions.builder().messageId("mirror-" + i)
                                .build());
                        acknowledged.add(i);
                        break;
                    } catch (Exception e) {
                        resent.incrementAndGet();
                        sleep(250);
                    }
                }
                if (i % 50 == 0) {
                    sleep(100);
                }
            }
        }, "it-cluster-feeder");
        feeder.start();

        awaitTopicCount(n / 4);
        EmbeddedNats streamLeader = nats.awaitFound("a MIRROR leader", Duration.ofSeconds(60),
                () -> nats.streamLeader("MIRROR"));
        nats.kill(streamLeader);
        System.out.println("killed NATS stream leader " + streamLeader.serverName() + " after "
                + acknowledged.size() + " acknowledged");
        nats.restart(streamLeader);
        nats.awaitCurrent(Duration.ofSeconds(120));

        // The feeder stalls while the stream elects a leader: let it and the mirror run again before the next kill.
        long resumed = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (acknowledged.size() < n / 2 && System.nanoTime() < resumed) {
            sleep(50);
        }
        int kafkaLeader = kafka.leaderOf("mirror-out", 0).orElseThrow();
        kafka.kill(kafkaLeader);
        System.out.println("killed Kafka node " + kafkaLeader + " (leader of mirror-out-0) after "
                + acknowledged.size() + " acknowledged");
        kafka.restart(kafkaLeader);
        kafka.awaitInSync(Duration.ofSeconds(120));
        feeder.join(Duration.ofMinutes(4).toMillis());

        Map<Integer, Integer> seen = readTopic("mirror-out", acknowledged.size(), Duration.ofSeconds(180));
        long lost = acknowledged.stream().filter(i -> !seen.containsKey(i)).count();
        int duplicates = seen.values().stream().mapToInt(c -> c - 1).sum();
        System.out.printf("[bridge-cluster] %d fed, %d acknowledged by JetStream (%d publishes sent again), %d "
                + "mirrored, %d lost, %d duplicates%n", n, acknowledged.size(), resent.get(), seen.size(), lost,
                duplicates);
        assertEquals(n, acknowledged.size(), "the feeder got every message acknowledged");
        assertEquals(0, lost, "acknowledged messages missing from Kafka");
        assertTrue(duplicates <= 2 * 500, "duplicates bounded by what was in flight: " + duplicates);
    }

    private void awaitTopicCount(int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (readTopic("mirror-out", expected, Duration.ofSeconds(5)).size() < expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the mirror did not reach " + expected + " records; " + worker.logTail());
            }
        }
    }

    /** seq to how often it was read, reading until {@code expected} distinct seqs or the timeout. */
    private Map<Integer, Integer> readTopic(String topic, int expected, Duration timeout) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("group.id", "it-cluster-reader-" + System.nanoTime());
        p.put("auto.offset.reset", "earliest");
        p.put("enable.auto.commit", "false");
        Map<Integer, Integer> seen = new HashMap<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (seen.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    Header h = r.headers().lastHeader("seq");
                    if (h != null) {
                        seen.merge(Integer.parseInt(new String(h.value(), StandardCharsets.UTF_8)), 1, Integer::sum);
                    }
                }
            }
        }
        return seen;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
