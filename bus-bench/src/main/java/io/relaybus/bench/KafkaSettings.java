package io.relaybus.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Kafka client settings of one run, for both sides: the bus gets {@code kafka.profile} plus the flags the user
 * set (as {@code kafka.producer.*} pass-through keys, exactly as an application would), and the raw clients get the
 * same profile's values plus the same flags.
 *
 * <p>transport-kafka keeps its profile table package-private ({@code KafkaProfile}), so the values are mirrored here
 * and printed next to the bus's configuration in every report; if the two ever drift, the printed settings show it.
 * Mirrored from transport-kafka 0.1.0 {@code KafkaProfile}: every profile uses acks=all, idempotence,
 * max.in.flight 5 and LZ4; they differ in linger/batch and in the consumer's fetch settings.
 */
final class KafkaSettings {

    /** Mirrors transport-kafka's default profile (kafka.profile default). */
    static final String DEFAULT_PROFILE = "durable";

    /** The settings by which the profiles differ: one row of {@code KafkaProfile}'s table. */
    private record Profile(int lingerMs, int batchBytes, int fetchMinBytes, int fetchMaxWaitMs) {
    }

    private static final Map<String, Profile> PROFILES = Map.of(
            "throughput", new Profile(20, 262_144, 65_536, 200),
            "latency", new Profile(0, 16_384, 1, 10),
            DEFAULT_PROFILE, new Profile(10, 102_400, 1, 100));

    private final String profile;
    private final Map<String, String> overrides = new LinkedHashMap<>();

    KafkaSettings(BenchOptions o) {
        this.profile = o.profile != null ? o.profile : DEFAULT_PROFILE;
        if (o.acks != null) {
            overrides.put(ProducerConfig.ACKS_CONFIG, o.acks);
            if (!o.acks.equals("all")) {
                // The Java client refuses idempotence without acks=all (and the bus says so); turning it off is the
                // price of acks=1 and belongs to the measured trade.
                overrides.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
            }
        }
        if (o.compression != null) {
            overrides.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, o.compression);
        }
        if (o.lingerMs != null) {
            overrides.put(ProducerConfig.LINGER_MS_CONFIG, String.valueOf(o.lingerMs));
        }
        if (o.batchBytes != null) {
            overrides.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(o.batchBytes));
        }
    }

    String profile() {
        return profile;
    }

    /** The flags the user set, as producer settings. */
    Map<String, String> producerOverrides() {
        return Map.copyOf(overrides);
    }

    /** The bus's configuration keys for these settings (without bootstrap servers). */
    Map<String, Object> busConfig(int partitions) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kafka.profile", profile);
        m.put("kafka.topic.partitions", partitions);
        overrides.forEach((k, v) -> m.put("kafka.producer." + k, v));
        return m;
    }

    /** The raw producer's settings: the profile's, then the flags. */
    Map<String, String> rawProducer() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ProducerConfig.ACKS_CONFIG, "all");
        m.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        m.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        m.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        Profile p = row();
        m.put(ProducerConfig.LINGER_MS_CONFIG, String.valueOf(p.lingerMs()));
        m.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(p.batchBytes()));
        // The bus's typed timeouts at their defaults (kafka.delivery.timeout.ms, kafka.request.timeout.ms,
        // kafka.max.block.ms).
        m.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        m.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        m.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        m.putAll(overrides);
        return m;
    }

    /** The producer settings the profile and the flags give, without the timeouts (for printing the bus side). */
    Map<String, String> effectiveProducer() {
        Map<String, String> m = rawProducer();
        m.remove(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
        m.remove(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG);
        m.remove(ProducerConfig.MAX_BLOCK_MS_CONFIG);
        return m;
    }

    /** The consumer fetch settings of the profile (for printing the bus side). */
    Map<String, String> effectiveFetch() {
        Profile p = row();
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, String.valueOf(p.fetchMinBytes()));
        m.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, String.valueOf(p.fetchMaxWaitMs()));
        return m;
    }

    /**
     * The raw consumer's settings: the profile's fetch settings and what the bus's consumer does on its own
     * (read_committed; commits every second, here as auto-commit).
     */
    Map<String, String> rawConsumer() {
        Map<String, String> m = effectiveFetch();
        m.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        m.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "true");
        m.put(ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG, "1000");
        m.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        m.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        m.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
        return m;
    }

    /** The profile's row; an unknown name (the options allow none) gets the default profile's. */
    private Profile row() {
        return PROFILES.getOrDefault(profile, PROFILES.get(DEFAULT_PROFILE));
    }
}
