package io.relaybus.kafka;

import io.relaybus.api.BusConfigException;
import io.relaybus.api.EventBus;
import io.relaybus.api.StartPosition;
import io.relaybus.spi.SubscriptionSpec;
import io.relaybus.spi.TransportContext;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Profiles, pass-through settings and contradictions, read back from the client configs the transport built. */
@Tag("broker")
class KafkaConfigTest {

    private static final SubscriptionSpec GROUP = new SubscriptionSpec("t", "g", StartPosition.EARLIEST, 64);

    private static KafkaTransport transport(Object... extra) {
        Object[] all = new Object[extra.length + 2];
        all[0] = KafkaConfig.PROFILE_CONFIG;
        all[1] = "durable";   // the default profile, unless extra names one
        System.arraycopy(extra, 0, all, 2, extra.length);
        Map<String, Object> config = KafkaTestSupport.busConfig(all);
        config.remove("bus.transport");
        return (KafkaTransport) new KafkaTransportProvider().create(new TransportContext("cfg-test",
                KafkaConfig.DEFINITION.parse(config)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "durable,    10, 102400, 1,     100",
            "throughput, 20, 262144, 65536, 200",
            "latency,     0,  16384, 1,     10"})
    @DisplayName("each profile's settings reach the producer and consumer configs")
    void profilesApply(String profile, int linger, int batch, int fetchMin, int fetchWait) {
        try (KafkaTransport t = transport(KafkaConfig.PROFILE_CONFIG, profile)) {
            ProducerConfig p = t.producerConfig();
            assertEquals(linger, p.getLong(ProducerConfig.LINGER_MS_CONFIG).intValue(), "linger.ms");
            assertEquals(batch, p.getInt(ProducerConfig.BATCH_SIZE_CONFIG), "batch.size");
            assertEquals("lz4", p.getString(ProducerConfig.COMPRESSION_TYPE_CONFIG));
            assertEquals("-1", p.getString(ProducerConfig.ACKS_CONFIG), "acks=all");
            assertTrue(p.getBoolean(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
            assertEquals(5, p.getInt(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION));
            assertEquals(30_000, p.getInt(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG));
            assertEquals(15_000, p.getInt(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG));
            assertEquals(10_000L, p.getLong(ProducerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG));

            ConsumerConfig c = t.consumerConfig(GROUP);
            assertEquals(fetchMin, c.getInt(ConsumerConfig.FETCH_MIN_BYTES_CONFIG), "fetch.min.bytes");
            assertEquals(fetchWait, c.getInt(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), "fetch.max.wait.ms");
            assertFalse(c.getBoolean(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG));
            assertEquals("g", c.getString(ConsumerConfig.GROUP_ID_CONFIG));
            assertEquals("earliest", c.getString(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG));
            assertEquals("classic", c.getString(ConsumerConfig.GROUP_PROTOCOL_CONFIG));
        }
    }

    @Test
    @DisplayName("durable: created topics get min.insync.replicas=2 when they have 2+ replicas, never more than allowed")
    void durableTopics() {
        try (KafkaTransport t = transport(KafkaConfig.TOPIC_REPLICATION_CONFIG, 3)) {
            NewTopic topic = t.topics().newTopic("x");
            assertEquals(3, topic.replicationFactor());
            assertEquals(6, topic.numPartitions());
            assertEquals(Map.of("min.insync.replicas", "2"), topic.configs());
        }
        try (KafkaTransport t = transport()) {   // -1 with one broker: one replica, so no min.insync override
            NewTopic topic = t.topics().newTopic("x");
            assertEquals(1, topic.replicationFactor());
            assertTrue(topic.configs() == null || topic.configs().isEmpty(), String.valueOf(topic.configs()));
        }
        try (KafkaTransport t = transport(KafkaConfig.PROFILE_CONFIG, "throughput",
                KafkaConfig.TOPIC_REPLICATION_CONFIG, 3)) {
            assertTrue(t.topics().newTopic("x").configs() == null || t.topics().newTopic("x").configs().isEmpty());
        }
    }

    @Test
    @DisplayName("pass-through settings override the profile; the group protocol is switchable")
    void passThroughOverrides() {
        try (KafkaTransport t = transport("kafka.producer.linger.ms", "42", "kafka.producer.compression.type", "zstd",
                "kafka.consumer.max.poll.records", "7", "kafka.consumer.fetch.min.bytes", "2048",
                KafkaConfig.GROUP_PROTOCOL_CONFIG, "consumer", KafkaConfig.DELIVERY_TIMEOUT_CONFIG, 20_000)) {
            ProducerConfig p = t.producerConfig();
            assertEquals(42L, p.getLong(ProducerConfig.LINGER_MS_CONFIG));
            assertEquals("zstd", p.getString(ProducerConfig.COMPRESSION_TYPE_CONFIG));
            assertEquals(20_000, p.getInt(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG));
            ConsumerConfig c = t.consumerConfig(GROUP);
            assertEquals(7, c.getInt(ConsumerConfig.MAX_POLL_RECORDS_CONFIG));
            assertEquals(2048, c.getInt(ConsumerConfig.FETCH_MIN_BYTES_CONFIG));
            assertEquals("consumer", c.getString(ConsumerConfig.GROUP_PROTOCOL_CONFIG));
        }
        try (KafkaTransport t = transport("kafka.producer.acks", "1", "kafka.producer.enable.idempotence", "false")) {
            assertEquals("1", t.producerConfig().getString(ProducerConfig.ACKS_CONFIG), "an explicit, consistent trade");
        }
    }

    /** {@code e} reports {@code problems} problems, and its message has each of {@code parts}. */
    private static void assertReports(BusConfigException e, int problems, String... parts) {
        String m = e.getMessage();
        assertEquals(problems, e.problems().size(), m);
        for (String part : parts) {
            assertTrue(m.contains(part), "missing '" + part + "' in: " + m);
        }
    }

    private static BusConfigException rejected(Object... extra) {
        Map<String, Object> config = KafkaTestSupport.busConfig(extra);
        return assertThrows(BusConfigException.class, () -> EventBus.open(config).close());
    }

    @Test
    @DisplayName("acks=1 or 0 with idempotence is rejected, naming both keys")
    void acksContradictsIdempotence() {
        for (String acks : List.of("1", "0")) {
            BusConfigException e = rejected("kafka.producer.acks", acks);
            assertEquals(1, e.problems().size(), e.getMessage());
            assertTrue(e.getMessage().startsWith("Invalid value " + acks + " for configuration kafka.producer.acks: "
                    + "contradicts enable.idempotence=true (from kafka.profile=latency)"), e.getMessage());
            assertTrue(e.getMessage().contains("kafka.producer.enable.idempotence=false"), e.getMessage());
        }
        BusConfigException e = rejected("kafka.producer.acks", "1", "kafka.producer.enable.idempotence", "true");
        assertTrue(e.getMessage().contains("(from kafka.producer.enable.idempotence)"), e.getMessage());
    }

    @Test
    @DisplayName("more than 5 requests in flight with idempotence is rejected, naming both keys")
    void inFlightAboveFive() {
        BusConfigException e = rejected("kafka.producer.max.in.flight.requests.per.connection", "100");
        assertTrue(e.getMessage().startsWith("Invalid value 100 for configuration "
                + "kafka.producer.max.in.flight.requests.per.connection: contradicts enable.idempotence=true"),
                e.getMessage());
        assertTrue(e.getMessage().contains("at most 5"), e.getMessage());
    }

    @Test
    @DisplayName("every problem is reported at once: typos, owned keys, bad values, timeouts that cannot work")
    void everyProblemAtOnce() {
        BusConfigException e = rejected("kafka.producer.lingr.ms", "5", "kafka.consumer.group.id", "x",
                "kafka.producer.bootstrap.servers", "other:9092", "kafka.consumer.fetch.min.bytes", "lots",
                KafkaConfig.DELIVERY_TIMEOUT_CONFIG, 1000, "kafka.producer.retries", "0");
        assertReports(e, 6,
                "Invalid value [hidden] for configuration kafka.producer.lingr.ms: unknown key: not a "
                        + "setting of the kafka-clients 4.3 producer client; did you mean kafka.producer.linger.ms?",
                "Invalid value x for configuration kafka.consumer.group.id: group.id is set by the "
                        + "transport or per subscription",
                "kafka.producer.bootstrap.servers: bootstrap.servers is the transport's own; use "
                        + "kafka.bootstrap.servers",
                "Invalid value lots for configuration kafka.consumer.fetch.min.bytes: must be a 32-bit integer",
                "Invalid value 1000 for configuration kafka.delivery.timeout.ms: must be at least linger.ms (0, from "
                        + "kafka.profile=latency) + request.timeout.ms (15000, from kafka.request.timeout.ms)",
                "Invalid value 0 for configuration kafka.producer.retries: contradicts enable.idempotence=true");
    }

    @Test
    @DisplayName("a misspelt pass-through key is named as unknown, with the key meant, and its value is never shown")
    void misspeltSecretsAreNotEchoed() {
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"app\" "
                + "password=\"jaas-s3cret\";";
        BusConfigException e = rejected("kafka.producer.ssl.keystore.pasword", "keystore-s3cret",
                "kafka.consumer.sasl.jaas.confg", jaas, "kafka.admin.sasl.jaas.confg", jaas,
                "kafka.consumer.zzz.qqq", "plain-s3cret");
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
        e.problems().forEach(p -> assertEquals("[hidden]", p.value(), p.toString()));
        assertReports(e, 4,
                "kafka.producer.ssl.keystore.pasword: unknown key: not a setting of the kafka-clients 4.3 "
                        + "producer client; did you mean kafka.producer.ssl.keystore.password?",
                "kafka.consumer.sasl.jaas.confg: unknown key: not a setting of the kafka-clients 4.3 "
                        + "consumer client; did you mean kafka.consumer.sasl.jaas.config?",
                "kafka.admin.sasl.jaas.confg: unknown key",
                "kafka.consumer.zzz.qqq: unknown key: not a setting of the kafka-clients 4.3 consumer "
                        + "client; check the spelling");
    }

    @Test
    @DisplayName("non-numeric numbers are configuration errors naming key, value and what is allowed, all at once")
    void nonNumericValuesNameTheKey() {
        BusConfigException e = rejected("kafka.producer.linger.ms", "soon",
                "kafka.producer.max.in.flight.requests.per.connection", "many", "kafka.producer.retries", "lots",
                "kafka.consumer.max.poll.records", "0", "bus.dispatch.queue.capacity", "huge");
        assertReports(e, 5,
                "Invalid value soon for configuration kafka.producer.linger.ms: must be a 64-bit integer, valid "
                        + "values: [0,...]",
                "Invalid value many for configuration kafka.producer.max.in.flight.requests.per.connection: must be "
                        + "a 32-bit integer",
                "Invalid value lots for configuration kafka.producer.retries: must be a 32-bit integer",
                "Invalid value 0 for configuration kafka.consumer.max.poll.records: valid values: [1,...] (Value "
                        + "must be at least 1)",
                "bus.dispatch.queue.capacity");
        assertFalse(e.getMessage().contains("For input string"), e.getMessage());
    }

    @Test
    @DisplayName("an invalid value of a Kafka password key is reported without the value")
    void invalidPasswordValueHidden() {
        BusConfigException e = rejected("kafka.producer.ssl.key.password", 987654321);
        assertEquals(1, e.problems().size(), e.getMessage());
        assertEquals("Invalid value [hidden] for configuration kafka.producer.ssl.key.password: must be a password",
                e.getMessage());
    }

    @Test
    @DisplayName("classic-only consumer settings are rejected with the KIP-848 protocol")
    void classicOnlyWithConsumerProtocol() {
        BusConfigException e = rejected(KafkaConfig.GROUP_PROTOCOL_CONFIG, "consumer",
                "kafka.consumer.session.timeout.ms", "10000");
        assertTrue(e.getMessage().startsWith("Invalid value 10000 for configuration kafka.consumer.session.timeout.ms: "
                + "contradicts kafka.group.protocol=consumer"), e.getMessage());
    }

    @Test
    @DisplayName("an unknown profile lists the profiles")
    void unknownProfile() {
        BusConfigException e = rejected(KafkaConfig.PROFILE_CONFIG, "fast");
        assertEquals("Invalid value fast for configuration kafka.profile: must be one of durable, throughput, latency",
                e.getMessage());
    }
}
