package io.relaybus.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The raw baseline for Kafka: one {@link KafkaProducer} with the run's producer settings, sending the header the bus
 * sends (a 36-character {@code relaybus.id}, see {@link WireIds}), and one
 * {@code KafkaConsumer} in a fresh group whose poll thread hands every record to the receiver inline. Ready means:
 * every partition of the topic assigned and its position fetched.
 */
final class RawKafkaTarget implements Target {

    private final String bootstrap;
    private final String topic;
    private final String group;
    private final int partitions;
    private final Map<String, String> producerSettings;
    private final Map<String, String> consumerSettings;
    private KafkaProducer<byte[], byte[]> producer;
    private int batch;
    private KafkaClients.PollThread poller;
    private final WireIds ids = new WireIds();

    RawKafkaTarget(String bootstrap, String topic, String group, int partitions, KafkaSettings settings) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.group = group;
        this.partitions = partitions;
        this.producerSettings = settings.rawProducer();
        this.consumerSettings = settings.rawConsumer();
    }

    /** Consumes batches of up to {@code maxRecords} records ({@code max.poll.records}); 0 keeps the default. */
    RawKafkaTarget batch(int maxRecords) {
        this.batch = maxRecords;
        return this;
    }

    @Override
    public String kind() {
        return "raw";
    }

    @Override
    public String description() {
        return "KafkaProducer + KafkaConsumer (kafka-clients)";
    }

    @Override
    public Map<String, String> settings() {
        Map<String, String> s = new TreeMap<>();
        producerSettings.forEach((k, v) -> s.put("producer." + k, v));
        consumerSettings.forEach((k, v) -> s.put("consumer." + k, v));
        s.put("record.headers", "relaybus.id (36 chars), as the bus sends");
        s.put("topic", topic);
        s.put("topic.partitions", String.valueOf(partitions));
        s.put("consumer.group.id", group);
        s.put("consumer.threads", "1 (records handled inline on the poll thread)");
        if (batch > 0) {
            s.put("consumer.max.poll.records", batch + " (--batch: each poll's records are one batch)");
        }
        return s;
    }

    @Override
    public void open() {
        producer = KafkaClients.producer(producerSettings, bootstrap, "bench-raw-producer", topic);
    }

    @Override
    public void subscribe(Receiver receiver) throws Exception {
        Properties cp = KafkaClients.consumerConfig(consumerSettings, bootstrap, group, "bench-raw-consumer");
        if (batch > 0) {
            cp.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, batch);
        }
        poller = KafkaClients.PollThread.start(cp, topic, partitions, "bench-raw-kafka-poll", "raw Kafka consumer",
                KafkaClients.PollThread.values(receiver));
    }

    @Override
    public void publish(byte[] payload, String key, AckCallback callback) {
        byte[] k = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        // The header the bus sends: the event id (see WireIds).
        RecordHeaders headers = new RecordHeaders();
        headers.add("relaybus.id", ids.next().getBytes(StandardCharsets.UTF_8));
        producer.send(new ProducerRecord<>(topic, null, k, payload, headers), (metadata, error) -> callback.done(error));
    }

    @Override
    public void close() {
        if (poller != null) {
            poller.close();
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(30));
        }
    }

    @Override
    public String destination() {
        return topic;
    }
}
