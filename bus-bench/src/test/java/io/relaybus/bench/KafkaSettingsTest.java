package io.relaybus.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class KafkaSettingsTest {

    @Test
    void theBusGetsTheProfileAndOnlyTheFlagsTheUserSet() {
        KafkaSettings s = new KafkaSettings(BenchOptions.parse("--transport", "kafka", "--embedded"));
        assertEquals(Map.of("kafka.profile", "durable", "kafka.topic.partitions", 6), s.busConfig(6));
        assertEquals("10", s.rawProducer().get("linger.ms"));
        assertEquals("102400", s.rawProducer().get("batch.size"));
        assertEquals("lz4", s.rawProducer().get("compression.type"));
        assertEquals("100", s.rawConsumer().get("fetch.max.wait.ms"));
    }

    @Test
    void flagsOverrideTheProfileOnBothSidesAndAcksOneTurnsIdempotenceOff() {
        KafkaSettings s = new KafkaSettings(BenchOptions.parse("--transport", "kafka", "--embedded", "--profile",
                "throughput", "--acks", "1", "--compression", "zstd", "--linger-ms", "5"));
        Map<String, Object> bus = s.busConfig(3);
        assertEquals("throughput", bus.get("kafka.profile"));
        assertEquals("1", bus.get("kafka.producer.acks"));
        assertEquals("false", bus.get("kafka.producer.enable.idempotence"));
        assertEquals("zstd", bus.get("kafka.producer.compression.type"));
        assertEquals("5", bus.get("kafka.producer.linger.ms"));
        assertFalse(bus.containsKey("kafka.producer.batch.size"), "unset flags leave the profile in charge");
        Map<String, String> raw = s.rawProducer();
        assertEquals("1", raw.get("acks"));
        assertEquals("false", raw.get("enable.idempotence"));
        assertEquals("zstd", raw.get("compression.type"));
        assertEquals("5", raw.get("linger.ms"));
        assertEquals("262144", raw.get("batch.size"));
        assertEquals("65536", s.rawConsumer().get("fetch.min.bytes"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "throughput, 20, 262144, 65536, 200",
            "latency, 0, 16384, 1, 10",
            "durable, 10, 102400, 1, 100"})
    void eachProfileMirrorsTransportKafkasTable(String profile, String lingerMs, String batchSize,
                                                String fetchMinBytes, String fetchMaxWaitMs) {
        KafkaSettings s = new KafkaSettings(BenchOptions.parse("--transport", "kafka", "--embedded", "--profile",
                profile));
        assertEquals(Map.of("acks", "all", "enable.idempotence", "true", "max.in.flight.requests.per.connection", "5",
                "compression.type", "lz4", "linger.ms", lingerMs, "batch.size", batchSize), s.effectiveProducer());
        assertEquals(Map.of("fetch.min.bytes", fetchMinBytes, "fetch.max.wait.ms", fetchMaxWaitMs),
                s.effectiveFetch());
        assertEquals(fetchMinBytes, s.rawConsumer().get("fetch.min.bytes"));
        assertEquals(fetchMaxWaitMs, s.rawConsumer().get("fetch.max.wait.ms"));
    }
}
