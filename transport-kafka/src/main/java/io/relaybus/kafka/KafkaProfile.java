package io.relaybus.kafka;

import io.relaybus.spi.support.MarkdownTable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The named sets of client settings selected with {@code kafka.profile}. Every profile keeps the guarantees the bus
 * promises (acks=all with idempotence, so a completed publish is stored and a retried batch is never stored twice);
 * they differ in how much latency they trade for throughput.
 *
 * <p>Why {@code max.in.flight.requests.per.connection=5} everywhere: with idempotence the Java client keeps order and
 * de-duplicates retries for at most 5 unacknowledged requests per connection, and refuses more; more in flight
 * without idempotence reorders and duplicates batches on retry.
 *
 * <p>Why {@code durable} is the default: a publish future that completes must mean the event is stored (the API's
 * promise), so the default adds min.insync.replicas=2 on topics it creates with 2+ replicas; its batching (LZ4, 10 ms,
 * 100 KB) costs at most 10 ms of publish latency, and its consumer answers as soon as one byte is there.
 * {@code throughput} and {@code latency} are explicit trades a user opts into.
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
        List<String> header = new ArrayList<>(List.of("setting"));
        for (KafkaProfile p : values()) {
            header.add(p.configName() + (p == DURABLE ? " (default)" : ""));
        }
        MarkdownTable table = new MarkdownTable(header.toArray(String[]::new));
        for (String k : new TreeSet<>(DURABLE.producer.keySet())) {
            row(table, "producer " + MarkdownTable.code(k), p -> p.producer.get(k));
        }
        for (String k : new TreeSet<>(DURABLE.consumer.keySet())) {
            row(table, "consumer " + MarkdownTable.code(k), p -> p.consumer.get(k));
        }
        row(table, "created topics: replicas (" + MarkdownTable.code("kafka.topic.replication.factor=-1") + ")",
                p -> p.minInsyncTwo ? "min(3, live brokers)" : "broker default");
        row(table, "created topics: " + MarkdownTable.code("min.insync.replicas") + " ("
                + MarkdownTable.code("kafka.topic.min.insync.replicas=-1") + ")",
                p -> p.minInsyncTwo ? "2 (when replicas >= 2)" : "broker default");
        row(table, "use for", p -> p.description);
        return table.toString();
    }

    private static void row(MarkdownTable table, String name, Function<KafkaProfile, String> value) {
        List<String> cells = new ArrayList<>(List.of(name));
        for (KafkaProfile p : values()) {
            cells.add(value.apply(p));
        }
        table.row(cells.toArray(String[]::new));
    }
}
