package io.relaybus.bench;

import io.nats.client.ConsumeOptions;
import io.nats.client.JetStream;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The baseline of a bridge run: the least a hand-written mirror with the raw clients does, in this JVM, with the same
 * delivery guarantee as the connectors and the same client settings (see {@link BridgeSettings}).
 *
 * <ul>
 *   <li>NATS to Kafka: a durable JetStream pull consumer (explicit acks, the source's max ack pending, pulls of its
 *       fetch size and wait) whose messages go to a KafkaProducer with the Connect source producer's settings; a
 *       message is acked in the send callback, after Kafka acknowledged its record (at-least-once, like the
 *       connector's {@code commitRecord}). NATS headers are copied, plus an origin header, as the connector does.</li>
 *   <li>Kafka to NATS: a KafkaConsumer with the Connect sink consumer's settings publishing each record with
 *       {@code publishAsync} and {@code Nats-Msg-Id: topic-partition-offset}, at most the sink's
 *       {@code nats.publish.window} unacknowledged; the offsets of a poll batch are committed once every
 *       publish of it and of the batches before it was acknowledged.</li>
 * </ul>
 * One thread moves the events either way (the jnats dispatcher, or the poll thread), like one connector task.
 */
final class RawMirrorTarget extends MirrorTarget {

    private static final String DURABLE = "raw-mirror";

    private final BridgeSettings bridge;
    private final BridgeSettings.RawMirrorLimits limits;
    private final AtomicLong failures = new AtomicLong();
    private KafkaProducer<byte[], byte[]> mirrorProducer;

    RawMirrorTarget(BenchOptions.Direction direction, String bootstrap, String natsUrl, String name, int partitions,
                    KafkaSettings kafka, BridgeSettings bridge) {
        super(direction, bootstrap, natsUrl, name, partitions, kafka);
        this.bridge = bridge;
        this.limits = bridge.rawMirrorLimits();
    }

    @Override
    public String kind() {
        return "raw";
    }

    @Override
    public String description() {
        return natsToKafka() ? "raw mirror: jnats pull consumer to KafkaProducer, ack after the Kafka ack"
                : "raw mirror: KafkaConsumer to jnats publishAsync, commit after the JetStream acks";
    }

    @Override
    protected Map<String, String> mirrorSettings() {
        Map<String, String> s = new TreeMap<>();
        s.put("threads", "1 (in the bench JVM)");
        if (natsToKafka()) {
            s.put("nats.consumer", "durable " + DURABLE + ", AckPolicy.Explicit, max ack pending "
                    + limits.maxAckPending());
            s.put("nats.consume.batch.size", String.valueOf(limits.fetchMaxMessages()));
            s.put("nats.consume.expires.ms", expiresMs() + " (the connector's nats.fetch.max.wait.ms, at least jnats' "
                    + "minimum of 1000 for consume())");
            bridge.rawMirrorProducer().forEach((k, v) -> s.put("producer." + k, v));
        } else {
            s.put("nats.publish.window", String.valueOf(limits.publishWindow()));
            s.put("consumer.group.id", DURABLE + "-" + name);
            bridge.rawMirrorConsumer().forEach((k, v) -> s.put("consumer." + k, v));
        }
        return s;
    }

    @Override
    protected void startMirror() throws Exception {
        closeOnClose(this::reportFailures);
        if (natsToKafka()) {
            startNatsToKafka();
        } else {
            startKafkaToNats();
        }
    }

    private void startNatsToKafka() throws Exception {
        mirrorProducer = KafkaClients.producer(bridge.rawMirrorProducer(), bootstrap, "bench-raw-mirror", name);
        closeOnClose(() -> mirrorProducer.close(Duration.ofSeconds(30)));
        nats.jetStreamManagement().addOrUpdateConsumer(name, ConsumerConfiguration.builder().durable(DURABLE)
                .filterSubject(name).ackPolicy(AckPolicy.Explicit).deliverPolicy(DeliverPolicy.All)
                .maxAckPending(limits.maxAckPending()).build());
        MessageConsumer mirrorConsumer = nats.getConsumerContext(name, DURABLE).consume(ConsumeOptions.builder()
                .batchSize(limits.fetchMaxMessages()).expiresIn(expiresMs()).build(),
                this::mirror);
        closeOnClose(mirrorConsumer::stop);
    }

    /** jnats' {@code consume()} refuses pull expiries below one second; under load a pull fills long before. */
    private long expiresMs() {
        return Math.max(1000, limits.fetchMaxWaitMs());
    }

    private void mirror(Message msg) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(name, null, msg.getData());
        if (msg.hasHeaders()) {
            msg.getHeaders().forEach((k, values) -> values.forEach(v -> record.headers().add(k,
                    v.getBytes(StandardCharsets.UTF_8))));
        }
        record.headers().add("relaybus-bridge-origin", DURABLE.getBytes(StandardCharsets.UTF_8));
        mirrorProducer.send(record, (metadata, error) -> {
            if (error == null) {
                msg.ack();
            } else {
                onFailure(error);
                msg.nak();
            }
        });
    }

    private void startKafkaToNats() throws Exception {
        JetStream js = nats.jetStream();
        Semaphore window = new Semaphore(limits.publishWindow());
        Deque<Batch> unacked = new ArrayDeque<>();
        closeOnClose(KafkaClients.PollThread.start(KafkaClients.consumerConfig(bridge.rawMirrorConsumer(),
                bootstrap, DURABLE + "-" + name, "bench-raw-mirror"), name, partitions, "bench-raw-mirror-poll",
                "the raw mirror's Kafka consumer", (c, records) -> {
                    if (!records.isEmpty()) {
                        unacked.add(publish(js, records, window));
                    }
                    commitAcknowledged(c, unacked);
                }));
    }

    /** One poll's publishes and the offsets to commit once all of them are acknowledged. */
    private record Batch(CompletableFuture<Void> acks, Map<TopicPartition, OffsetAndMetadata> offsets) {
    }

    private Batch publish(JetStream js, ConsumerRecords<byte[], byte[]> records, Semaphore window)
            throws InterruptedException {
        List<CompletableFuture<?>> acks = new ArrayList<>(records.count());
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            Headers headers = new Headers();
            headers.put("Nats-Msg-Id", r.topic() + "-" + r.partition() + "-" + r.offset());
            for (Header h : r.headers()) {
                headers.add(h.key(), h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
            }
            headers.put("relaybus-bridge-origin", DURABLE);
            window.acquire();
            CompletableFuture<?> ack;
            try {
                ack = js.publishAsync(NatsMessage.builder().subject(name).headers(headers).data(r.value()).build());
            } catch (RuntimeException e) {
                ack = CompletableFuture.failedFuture(e);
            }
            acks.add(ack.whenComplete((a, error) -> {
                window.release();
                if (error != null) {
                    onFailure(error);
                }
            }));
            offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
        }
        return new Batch(CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)), offsets);
    }

    /**
     * Commits the offsets of the leading batches whose publishes all completed, in poll order, so an offset is never
     * committed before the publishes of the records below it. A failed publish is not retried (it is reported, and
     * the event shows up as lost in the run's success rate).
     */
    private static void commitAcknowledged(KafkaConsumer<byte[], byte[]> c, Deque<Batch> unacked) {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        while (!unacked.isEmpty() && unacked.peek().acks().isDone()) {
            Batch b = unacked.poll();
            if (!b.acks().isCompletedExceptionally()) {
                commit.putAll(b.offsets());
            }
        }
        if (!commit.isEmpty()) {
            c.commitAsync(commit, null);
        }
    }

    /** A mirror failure: reported, never retried (the event then shows up as lost in the run's success rate). */
    private void onFailure(Throwable error) {
        if (failures.getAndIncrement() == 0) {
            System.err.println("raw mirror " + direction.flag + ": a publish failed (further failures are counted, "
                    + "not printed): " + error);
        }
    }

    /** Closed after the mirror's clients: how many publishes failed in all. */
    private void reportFailures() {
        if (failures.get() > 0) {
            System.err.println("raw mirror " + direction.flag + ": " + failures.get() + " publishes failed");
        }
    }
}
