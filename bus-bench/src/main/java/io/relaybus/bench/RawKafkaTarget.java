package io.relaybus.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The raw baseline for Kafka: one {@link KafkaProducer} with the run's producer settings, sending the header the bus
 * sends (a 36-character {@code relaybus.id}, see {@link WireIds}), and one
 * {@link KafkaConsumer} in a fresh group whose poll thread hands every record to the receiver inline. Ready means:
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
    private Thread poller;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean running = true;
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
        Properties pp = new Properties();
        pp.putAll(producerSettings);
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pp.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-raw-producer");
        producer = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer());
        // Connect and fetch the topic's metadata now, as opening the bus does.
        producer.partitionsFor(topic);
    }

    @Override
    public void subscribe(Receiver receiver) throws Exception {

        Properties cp = new Properties();
        cp.putAll(consumerSettings);
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        cp.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-raw-consumer");
        if (batch > 0) {
            cp.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, batch);
        }
        CompletableFuture<Void> ready = new CompletableFuture<>();
        poller = new Thread(() -> poll(cp, receiver, ready), "bench-raw-kafka-poll");
        poller.setDaemon(true);
        poller.start();
        ready.get(2, TimeUnit.MINUTES);
    }

    private void poll(Properties cp, Receiver receiver, CompletableFuture<Void> ready) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(cp, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer = c;
            c.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> parts) {
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> parts) {
                    if (!ready.isDone() && c.assignment().size() >= partitions) {
                        c.assignment().forEach(c::position);
                        ready.complete(null);
                    }
                }
            });
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                    receiver.onEvent(r.value());
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            ready.completeExceptionally(e);
            if (running) {
                System.err.println("raw Kafka consumer failed: " + e);
            }
        }
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
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (poller != null) {
            try {
                poller.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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
