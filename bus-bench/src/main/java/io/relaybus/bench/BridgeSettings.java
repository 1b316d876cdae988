package io.relaybus.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The connector configurations of a bridge run, with the documented keys of connect-bridge (its README), and the
 * client settings of the raw mirror that match them, so that bridge and raw mirror differ only in what Connect and
 * the connectors add.
 *
 * <p>Chosen for throughput on a small machine: {@code tasks.max=1}, because each direction mirrors one subject or
 * one topic: the source deals subjects to tasks (a second task on the same subject becomes a second pull member of
 * one durable, which reorders and is reported as not exactly-once), and a sink task already consumes every partition
 * of its topic; on two cores more tasks only add threads. The other keys are the connectors' defaults, written out
 * so that the report shows them: pulls of {@code nats.fetch.max.messages} = 500, up to {@code nats.consumer.max.ack.pending}
 * = 5,000 messages in flight to Kafka, poll batches of up to {@code batch.max.records} = 1,000 taken as they are
 * ({@code batch.linger.ms} = 0); the sink keeps {@code nats.publish.window} = 1,000 publishes in flight.
 * {@code --connector-property} overrides any of them (and adds Connect's own keys such as
 * {@code producer.override.linger.ms}, which the raw mirror applies to its producer too).
 */
final class BridgeSettings {

    static final String SOURCE_CLASS = "io.relaybus.bridge.NatsSourceConnector";
    static final String SINK_CLASS = "io.relaybus.bridge.NatsSinkConnector";
    /** Keys the bench sets per run, naming what is mirrored where; {@code --connector-property} may not set them. */
    static final List<String> FIXED = List.of("connector.class", "name", "nats.servers", "nats.subjects",
            "nats.stream", "kafka.topic.template", "kafka.topic.regex", "topics", "topics.regex",
            "nats.subject.template");

    /** Connector keys the raw mirror also reads, to size its fetches and its publish window the same way. */
    static final List<String> RAW_MIRROR_READS = List.of("nats.fetch.max.messages", "nats.fetch.max.wait.ms",
            "nats.consumer.max.ack.pending", "nats.publish.window");

    private final Map<String, String> extra;

    BridgeSettings(Map<String, String> connectorProperties) {
        this.extra = Map.copyOf(connectorProperties);
    }

    /** NATS subject {@code name} of stream {@code name} to Kafka topic {@code name}. */
    Map<String, String> source(String natsUrl, String name) {
        Map<String, String> c = connector(SOURCE_CLASS, natsUrl);
        c.put("nats.subjects", name);
        c.put("nats.stream", name);
        c.put("nats.mode", "jetstream");
        c.put("nats.deliver.policy", "all");
        c.put("nats.consumer.max.ack.pending", "5000");
        c.put("nats.fetch.max.messages", "500");
        c.put("nats.fetch.max.wait.ms", "500");
        c.put("kafka.topic.template", "{subject}");
        c.put("batch.max.records", "1000");
        c.put("batch.max.bytes", "1048576");
        c.put("batch.linger.ms", "0");
        return withExtra(c);
    }

    /** Kafka topic {@code name} to NATS subject {@code name} (captured by stream {@code name}). */
    Map<String, String> sink(String natsUrl, String name) {
        Map<String, String> c = connector(SINK_CLASS, natsUrl);
        c.put("topics", name);
        c.put("nats.subject.template", "{topic}");
        c.put("nats.publish.window", "1000");
        c.put("nats.publish.timeout.ms", "10000");
        return withExtra(c);
    }

    /** The keys both connectors get: the class, one task, the NATS servers. */
    private static Map<String, String> connector(String connectorClass, String natsUrl) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", connectorClass);
        c.put("tasks.max", "1");
        c.put("nats.servers", natsUrl);
        return c;
    }

    /** {@code c} with the converters both connectors use, then {@code --connector-property}'s keys over it all. */
    private Map<String, String> withExtra(Map<String, String> c) {
        // connect-bridge hands keys and header values over as exact bytes
        c.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        c.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        c.put("header.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        c.putAll(extra);
        return c;
    }

    /**
     * The producer a Connect worker gives a source task without exactly-once: {@code Worker.baseProducerConfigs} of
     * Kafka 4.3 (idempotence off, acks=all, one request in flight, no delivery or blocking timeout; linger and batch
     * size at the client defaults), plus the connector's {@code producer.override.*} keys.
     */
    Map<String, String> rawMirrorProducer() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("enable.idempotence", "false");
        m.put("acks", "all");
        m.put("max.in.flight.requests.per.connection", "1");
        m.put("delivery.timeout.ms", String.valueOf(Integer.MAX_VALUE));
        m.put("max.block.ms", String.valueOf(Long.MAX_VALUE));
        m.putAll(prefixed("producer.override."));
        return m;
    }

    /**
     * The consumer a Connect worker gives a sink task ({@code Worker.baseConsumerConfigs}: no auto-commit, from the
     * earliest offset, the rest at the client defaults), plus the connector's {@code consumer.override.*} keys.
     */
    Map<String, String> rawMirrorConsumer() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("enable.auto.commit", "false");
        m.put("auto.offset.reset", "earliest");
        m.putAll(prefixed("consumer.override."));
        return m;
    }

    /** The connector settings the raw mirror sizes itself by ({@link #RAW_MIRROR_READS}), as a run sets them. */
    record RawMirrorLimits(int fetchMaxMessages, long fetchMaxWaitMs, int maxAckPending, int publishWindow) {
    }

    RawMirrorLimits rawMirrorLimits() {
        Map<String, String> source = source("", "");
        return new RawMirrorLimits(Integer.parseInt(source.get("nats.fetch.max.messages")),
                Long.parseLong(source.get("nats.fetch.max.wait.ms")),
                Integer.parseInt(source.get("nats.consumer.max.ack.pending")),
                Integer.parseInt(sink("", "").get("nats.publish.window")));
    }

    private Map<String, String> prefixed(String prefix) {
        Map<String, String> m = new LinkedHashMap<>();
        extra.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                m.put(k.substring(prefix.length()), v);
            }
        });
        return m;
    }
}
