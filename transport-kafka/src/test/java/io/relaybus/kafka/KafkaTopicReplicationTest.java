package io.relaybus.kafka;

import io.relaybus.api.BusConfigException;
import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replication of the topics the transport creates: the durable profile's defaults per cluster size, explicit
 * {@code kafka.topic.replication.factor} / {@code kafka.topic.min.insync.replicas}, and the errors a user sees when
 * they cannot be honoured (naming the key, the value and the number of live brokers).
 */
class KafkaTopicReplicationTest {

    private static KafkaTopics topics(int rf, int minInsync, boolean durable) {
        return new KafkaTopics(null, true, 6, rf, minInsync, durable, () -> 0, "b1:9092,b2:9092,b3:9092");
    }

    @Test
    @DisplayName("durable defaults: 3 replicas with min.insync.replicas 2 on 3 brokers, fewer on smaller clusters")
    void durableDefaultsFollowTheClusterSize() {
        KafkaTopics durable = topics(-1, -1, true);
        NewTopic three = durable.checkedNewTopic("t", 3);
        assertEquals(3, three.replicationFactor());
        assertEquals(Map.of("min.insync.replicas", "2"), three.configs());
        assertEquals(3, durable.checkedNewTopic("t", 5).replicationFactor(), "never more than 3 by default");
        NewTopic two = durable.checkedNewTopic("t", 2);
        assertEquals(2, two.replicationFactor());
        assertEquals(Map.of("min.insync.replicas", "2"), two.configs());
        NewTopic one = durable.checkedNewTopic("t", 1);
        assertEquals(1, one.replicationFactor());
        assertTrue(one.configs() == null || one.configs().isEmpty(), String.valueOf(one.configs()));
    }

    @Test
    @DisplayName("explicit settings are used as given, in every profile")
    void explicitSettings() {
        NewTopic t = topics(3, 3, true).checkedNewTopic("t", 3);
        assertEquals(3, t.replicationFactor());
        assertEquals(Map.of("min.insync.replicas", "3"), t.configs());
        NewTopic throughput = topics(2, 2, false).checkedNewTopic("t", 3);
        assertEquals(2, throughput.replicationFactor());
        assertEquals(Map.of("min.insync.replicas", "2"), throughput.configs());
        NewTopic brokerDefaults = topics(-1, -1, false).checkedNewTopic("t", 3);
        assertTrue(brokerDefaults.replicationFactor() == -1, "the broker's default.replication.factor");
    }

    @Test
    @DisplayName("more replicas than live brokers: the error names the key, the value and the number of brokers")
    void replicationFactorAboveLiveBrokers() {
        BusConfigException e = assertThrows(BusConfigException.class,
                () -> topics(3, -1, true).checkedNewTopic("orders", 2));
        assertEquals(KafkaConfig.TOPIC_REPLICATION_CONFIG, e.problems().get(0).key());
        assertEquals("3", e.problems().get(0).value());
        assertTrue(e.getMessage().contains("Invalid value 3 for configuration kafka.topic.replication.factor: topic "
                + "orders needs 3 replicas but the Kafka cluster at b1:9092,b2:9092,b3:9092 has 2 live broker(s)"),
                e.getMessage());
    }

    @Test
    @DisplayName("more in-sync replicas required than the topic would get: named with the replicas and brokers")
    void minInsyncAboveReplicas() {
        BusConfigException e = assertThrows(BusConfigException.class,
                () -> topics(-1, 3, true).checkedNewTopic("orders", 2));
        assertEquals(KafkaConfig.TOPIC_MIN_INSYNC_CONFIG, e.problems().get(0).key());
        assertTrue(e.getMessage().contains("Invalid value 3 for configuration kafka.topic.min.insync.replicas: topic "
                + "orders would get 2 replica(s) (kafka.topic.replication.factor=-1, 2 live broker(s)"), e.getMessage());
    }

    @Test
    @DisplayName("min.insync.replicas above an explicit replication factor is refused when the bus opens")
    void contradictionRefusedAtOpen() {
        BusConfigException e = assertThrows(BusConfigException.class, () -> EventBus.open(Map.of(
                "bus.transport", "kafka", KafkaConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1",
                KafkaConfig.TOPIC_REPLICATION_CONFIG, 2, KafkaConfig.TOPIC_MIN_INSYNC_CONFIG, 3)));
        assertTrue(e.getMessage().contains("Invalid value 3 for configuration kafka.topic.min.insync.replicas: must "
                + "not exceed kafka.topic.replication.factor=2"), e.getMessage());
    }

    @Test
    @DisplayName("on a real single broker, a topic needing 3 replicas fails its first publish with the clear error")
    void publishFailsClearlyOnTooSmallCluster() throws Exception {
        try (EventBus bus = EventBus.open(KafkaTestSupport.busConfig(KafkaConfig.PROFILE_CONFIG, "durable",
                KafkaConfig.TOPIC_REPLICATION_CONFIG, 3))) {
            String topic = KafkaTestSupport.unique("rf3");
            ExecutionException e = assertThrows(ExecutionException.class, () -> bus.publish(Event.builder(topic)
                    .payload("x").build()).toCompletableFuture().get(60, TimeUnit.SECONDS));
            BusConfigException config = assertInstanceOf(BusConfigException.class, e.getCause());
            assertTrue(config.getMessage().startsWith("Invalid value 3 for configuration "
                    + "kafka.topic.replication.factor: topic " + topic + " needs 3 replicas but the Kafka cluster at "
                    + KafkaTestSupport.bootstrap() + " has 1 live broker(s)"), config.getMessage());
        }
    }
}
