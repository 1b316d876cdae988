package io.relaybus.bench;

import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.MessageConsumer;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;

/**
 * A mirror between NATS JetStream and Kafka as a {@link Target}: {@link #publish} writes into the source side, a
 * reader on the destination side hands what arrives to the receiver, and a subclass moves events in between (the
 * connectors in a Connect worker, or the raw mirror in this JVM). The Runner's acknowledged rate is the source side's,
 * its end-to-end rate and latency are the mirror's: the payload, with its send time, crosses both systems unchanged.
 *
 * <p>Everything is named after the run: stream, subject and topic are all {@code name} (the source connector's
 * {@code kafka.topic.template={subject}} and the sink's {@code nats.subject.template={topic}} keep it). The topic
 * exists already (the bench creates it with {@code --partitions}); {@link #subscribe} creates the stream, starts the
 * reader and then the mirror, and returns when both are ready.
 *
 * <p>The bench's own clients: NATS to Kafka publishes with {@code publishAsync} and a {@code Nats-Msg-Id}, as
 * {@link RawNatsTarget} does, and reads with a KafkaConsumer in a fresh group (the run's consumer settings, from the
 * earliest offset); Kafka to NATS publishes with a KafkaProducer (the run's producer settings) and reads with a durable
 * JetStream pull consumer, acking each message.
 */
abstract class MirrorTarget implements Target {

    static final int READER_BATCH = RawNatsTarget.BATCH;

    protected final BenchOptions.Direction direction;
    protected final String bootstrap;
    protected final String natsUrl;
    protected final String name;
    protected final int partitions;
    private final Map<String, String> producerSettings;
    private final Map<String, String> readerSettings;
    protected Connection nats;
    private JetStream js;
    private KafkaProducer<byte[], byte[]> producer;
    /** What this target opened, the last opened first: the order in which {@link #close()} closes it. */
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    MirrorTarget(BenchOptions.Direction direction, String bootstrap, String natsUrl, String name, int partitions,
                 KafkaSettings kafka) {
        this.direction = direction;
        this.bootstrap = bootstrap;
        this.natsUrl = natsUrl;
        this.name = name;
        this.partitions = partitions;
        this.producerSettings = kafka.rawProducer();
        this.readerSettings = kafka.rawConsumer();
    }

    /**
     * Starts moving events from the source side to the destination side; returns when it is live. Whatever it opens
     * it hands to {@link #closeOnClose} as soon as it is open, so that a failed start is cleaned up too.
     */
    protected abstract void startMirror() throws Exception;

    /**
     * Has {@link #close()} close {@code resource}: before everything opened earlier (the mirror before the bench's
     * reader, the reader before the connections it uses). Called on the thread that opens the target.
     */
    protected final <T extends AutoCloseable> T closeOnClose(T resource) {
        opened.push(resource);
        return resource;
    }

    /** What the mirror runs with. */
    protected abstract Map<String, String> mirrorSettings();

    protected boolean natsToKafka() {
        return direction == BenchOptions.Direction.NATS_TO_KAFKA;
    }

    @Override
    public Map<String, String> settings() {
        Map<String, String> s = new TreeMap<>();
        s.put("bench.direction", direction.flag);
        s.put("bench.source", natsToKafka() ? "JetStream stream " + name + " (file storage), subject " + name
                : "Kafka topic " + name + ", " + partitions + " partitions");
        s.put("bench.destination", natsToKafka() ? "Kafka topic " + name + ", " + partitions + " partitions"
                : "JetStream stream " + name + " (file storage), subject " + name);
        if (natsToKafka()) {
            s.put("bench.publisher", "jnats publishAsync with Nats-Msg-Id, at most --window outstanding");
            readerSettings.forEach((k, v) -> s.put("bench.reader.consumer." + k, v));
        } else {
            producerSettings.forEach((k, v) -> s.put("bench.publisher.producer." + k, v));
            s.put("bench.reader", "durable JetStream pull consumer, batches of " + READER_BATCH + ", ack per message");
        }
        mirrorSettings().forEach((k, v) -> s.put("mirror." + k, v));
        return s;
    }

    @Override
    public void open() throws Exception {
        nats = closeOnClose(Nats.connect(Options.builder().server(natsUrl).connectionName("bench-mirror-ends")
                .build()));
        js = nats.jetStream();
        if (!natsToKafka()) {
            producer = KafkaClients.producer(producerSettings, bootstrap, "bench-mirror-publisher", name);
            closeOnClose(() -> producer.close(Duration.ofSeconds(30)));
        }
    }

    @Override
    public void subscribe(Receiver receiver) throws Exception {
        JetStreamManagement jsm = nats.jetStreamManagement();
        // Source stream (NATS to Kafka) or the stream that stores what the sink publishes (Kafka to NATS).
        jsm.addStream(StreamConfiguration.builder().name(name).subjects(name).storageType(StorageType.File)
                .retentionPolicy(RetentionPolicy.Limits).duplicateWindow(Duration.ofMinutes(2)).build());
        if (natsToKafka()) {
            startKafkaReader(receiver);
        } else {
            jsm.addOrUpdateConsumer(name, ConsumerConfiguration.builder().durable("bench-reader").filterSubject(name)
                    .ackPolicy(AckPolicy.Explicit).deliverPolicy(DeliverPolicy.All).build());
            MessageConsumer natsReader = nats.getConsumerContext(name, "bench-reader").consume(ConsumeOptions.builder()
                    .batchSize(READER_BATCH).expiresIn(RawNatsTarget.EXPIRES_MS).build(), msg -> {
                        receiver.onEvent(msg.getData());
                        msg.ack();
                    });
            closeOnClose(natsReader::stop);
        }
        startMirror();
    }

    private void startKafkaReader(Receiver receiver) throws Exception {
        closeOnClose(KafkaClients.PollThread.start(KafkaClients.consumerConfig(readerSettings, bootstrap,
                "bench-reader-" + name, "bench-mirror-reader"), name, partitions, "bench-mirror-kafka-reader",
                "the bench's Kafka reader", KafkaClients.PollThread.values(receiver)));
    }

    @Override
    public void publish(byte[] payload, String key, AckCallback callback) {
        if (natsToKafka()) {
            Headers headers = new Headers();
            headers.put("Nats-Msg-Id", Payload.phase(payload) + "-" + Payload.seq(payload));
            NatsMessage msg = NatsMessage.builder().subject(name).headers(headers).data(payload).build();
            try {
                js.publishAsync(msg).whenComplete((ack, error) -> callback.done(error));
            } catch (RuntimeException e) {
                callback.done(e);
            }
        } else {
            byte[] k = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
            producer.send(new ProducerRecord<>(name, k, payload), (metadata, error) -> callback.done(error));
        }
    }

    /**
     * Closes what the target opened, the last opened first, each even when closing another failed; the first failure
     * is thrown at the end, with the others suppressed.
     */
    @Override
    public void close() {
        RuntimeException failure = null;
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                RuntimeException f = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                if (failure == null) {
                    failure = f;
                } else {
                    failure.addSuppressed(f);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
