package io.relaybus.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The named sets of client settings selected with {@code kafka.profile}. Every profile keeps the guarantees the bus
 * promises (acks=all with idempotence, so a completed publish is stored and a retried batch is never stored twice);
 * they differ in how much latency they trade for throughput.
 *
 * <p>Why {@code max.in.flight.requests.per.connection=5} everywhere: with idempotence the Java client keeps order and
 * de-duplicates retries for at most 5 unacknowledged requests per connection, and refuses more. The Go service this
 * project replaces used 100 (a sarama habit), which with retries reorders and duplicates batches.
 *
 * <p>Why {@code durable} is the default: a publish future that completes must mean the event is stored (the API's
 * promise), so the default adds min.insync.replicas=2 on topics it creates with 2+ replicas; its batching (LZ4, 10 ms,
 * 100 KB, the reports' measured settings) costs at most 10 ms of publish latency, and its consumer answers as soon as
 * one byte is there, so it does not repeat the reports' 943 ms first-message latency. {@code throughput} and
 * {@code latency} are explicit trades a user opts into.
 */
enum KafkaProfile {

    DURABLE("Safe default: an acknowledged event is on every in-sync replica (at least 2 where the topic has 2+ replicas); moderate batching.",
            producer("10", "102400"), consumer("1", "100"), true),
    THROUGHPUT("Bulk streams: bigger batches and fetches; adds up to ~20 ms publish and 200 ms idle-fetch latency.",
            producer("20", "262144"), consumer("65536", "200"), false),
    LATENCY("Interactive events: no linger, fetches return at once; least latency, less batching under light load.",
            producer("0", "16384"), consumer("1", "10"), false);

    private final String description;
    private final Map<String, String> producer;
    private final Map<String, String> consumer;
    private final boolean minInsyncTwo;

    KafkaProfile(String description, Map<String, String> producer, Map<String, String> consumer, boolean minInsyncTwo) {
        this.description = description;
        this.producer = producer;
        this.consumer = consumer;
        this.minInsyncTwo = minInsyncTwo;
    }

    /** Producer settings of this profile. */
    Map<String, String> producerSettings() {
        return producer;
    }

    /** Consumer settings of this profile. */
    Map<String, String> consumerSettings() {
        return consumer;
    }

    /** Whether topics this transport creates get min.insync.replicas=2 (when they have 2 or more replicas). */
    boolean minInsyncReplicasTwo() {
        return minInsyncTwo;
    }

    String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    private static Map<String, String> producer(String lingerMs, String batchSize) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ProducerConfig.ACKS_CONFIG, "all");
        m.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // 5 is the most the Java client allows with idempotence; see the class comment.
        m.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        m.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        m.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        m.put(ProducerConfig.BATCH_SIZE_CONFIG, batchSize);
        return Map.copyOf(m);
    }

    private static Map<String, String> consumer(String fetchMinBytes, String fetchMaxWaitMs) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, fetchMinBytes);
        m.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, fetchMaxWaitMs);
        return Map.copyOf(m);
    }

    /** The profile table for the README, generated from the definitions. */
    static String toMarkdownTable() {
        StringBuilder sb = new StringBuilder("| setting |");
        for (KafkaProfile p : values()) {
            sb.append(' ').append(p.configName()).append(p == DURABLE ? " (default)" : "").append(" |");
        }
        sb.append("\n|---|").append("---|".repeat(values().length)).append('\n');
        TreeSet<String> producerKeys = new TreeSet<>(DURABLE.producer.keySet());
        for (String k : producerKeys) {
            row(sb, "producer `" + k + "`", p -> p.producer.get(k));
        }
        for (String k : new TreeSet<>(DURABLE.consumer.keySet())) {
            row(sb, "consumer `" + k + "`", p -> p.consumer.get(k));
        }
        row(sb, "created topics: replicas (`kafka.topic.replication.factor=-1`)", p -> p.minInsyncTwo
                ? "min(3, live brokers)" : "broker default");
        row(sb, "created topics: `min.insync.replicas` (`kafka.topic.min.insync.replicas=-1`)", p -> p.minInsyncTwo
                ? "2 (when replicas >= 2)" : "broker default");
        row(sb, "use for", p -> p.description);
        return sb.toString();
    }

    private static void row(StringBuilder sb, String name, java.util.function.Function<KafkaProfile, String> value) {
        sb.append("| ").append(name).append(" |");
        for (KafkaProfile p : values()) {
            sb.append(' ').append(value.apply(p)).append(" |");
        }
        sb.append('\n');
    }
}
