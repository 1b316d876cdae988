package io.relaybus.bridge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.relaybus.spi.support.BatchQueue;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads its share of the subjects (see {@link NatsSourceConnector#split}) and hands the worker batches of records.
 *
 * <p><b>Flow.</b> One reader per subject ({@link SubjectReader}) turns messages into records and puts them into the
 * shared-core {@link BatchQueue} (room for four full batches, by count and by bytes); {@link #poll()} takes what is queued, up to
 * {@code batch.max.records} and {@code batch.max.bytes}, as soon as there is something (natural batching: batches grow
 * while the worker is busy sending the previous one; {@code batch.linger.ms} can make them wait for more). A full
 * queue blocks the readers: backpressure towards NATS (JetStream stops delivering at {@code nats.max.ack.pending}).
 *
 * <p><b>Acks.</b> In JetStream mode a message is acked only in {@link #commitRecord}, i.e. after Kafka acknowledged
 * its record (with exactly-once, after the transaction holding it and its offset committed); never in
 * {@link #commit()} and never automatically. Messages skipped by loop prevention are acked at once. Unacked
 * messages are redelivered by JetStream after {@code nats.ack.wait.ms} or to the next task: at-least-once.
 *
 * <p><b>Threading.</b> {@code start}, {@code poll} and {@code stop} come from the worker's task thread (stop may come
 * from another), {@code commitRecord} from the producer's callback thread; readers run their own threads. The
 * in-flight map is synchronized.
 */
public final class NatsSourceTask extends SourceTask {

    private static final Logger log = LoggerFactory.getLogger(NatsSourceTask.class);
    private static final int QUEUED_BATCHES = 4;

    private final Map<SourceRecord, Message> inFlight = Collections.synchronizedMap(new IdentityHashMap<>());
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean running;
    private NatsSourceConfig config;
    private Connection connection;
    private BatchQueue<SourceRecord> queue;
    private final List<SubjectReader> readers = new ArrayList<>();

    @Override
    public String version() {
        return Versions.version();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new NatsSourceConfig(props);
        List<String> subjects = Arrays.asList(props.getOrDefault(NatsSourceConfig.TASK_SUBJECTS,
                String.join(",", config.subjects())).split(","));
        int member = Integer.parseInt(props.getOrDefault(NatsSourceConfig.TASK_MEMBER, "0"));
        int members = Integer.parseInt(props.getOrDefault(NatsSourceConfig.TASK_MEMBERS, "1"));
        String name = props.getOrDefault("name", "nats-source");
        running = true;
        queue = new BatchQueue<>(QUEUED_BATCHES * config.batchRecords(), QUEUED_BATCHES * config.batchBytes(),
                NatsSourceTask::sizeOf);
        connection = NatsClientConfig.connect(config, "relaybus-source-" + name + "-" + member);
        SubjectReader.Context ctx = new SubjectReader.Context(config, connection, config.topicMapper(),
                config.keyExtractor(), NatsClientConfig.origins(config, props), context.offsetStorageReader(),
                config.durablePrefix(name), member, members, this::accept, t -> failure.compareAndSet(null, t));
        try {
            for (String subject : subjects) {
                SubjectReader reader = config.mode() == NatsSourceConfig.Mode.JETSTREAM
                        ? new JetStreamReader(ctx, subject) : new CoreReader(ctx, subject);
                readers.add(reader);
                reader.start();
            }
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
        log.info("NATS source task {} (member {} of {}) reading {} in {} mode", name, member, members, subjects,
                config.mode());
    }

    /** Called by readers: remembers the message for the ack, then queues the record (blocks when full: backpressure). */
    private void accept(SourceRecord record, Message message) {
        if (message != null) {
            inFlight.put(record, message);
        }
        try {
            while (running) {
                if (queue.put(record, 100, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Stopping: the record is dropped unacked; JetStream redelivers it to the next task.
        inFlight.remove(record);
    }

    private static long sizeOf(SourceRecord r) {
        return (r.value() instanceof byte[] b ? b.length : 0) + 64L;
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        Throwable t = failure.get();
        if (t != null) {
            throw t instanceof ConnectException ce ? ce : new ConnectException("NATS source failed: " + t, t);
        }
        List<SourceRecord> batch = queue.takeBatch(config.batchRecords(), config.batchBytes(),
                config.batchLinger().toNanos(), config.pollTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return batch.isEmpty() ? null : batch;
    }

    /** Acks the message of a record Kafka has acknowledged (metadata is null if a transform dropped it: ack too). */
    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        Message message = inFlight.remove(record);
        if (message != null) {
            message.ack();
        }
    }

    /** Deliberately does not ack: acks happen per record in {@link #commitRecord}, after Kafka acknowledged it. */
    @Override
    public void commit() {
    }

    @Override
    public void stop() {
        running = false;
        for (SubjectReader reader : readers) {
            reader.close();
        }
        readers.clear();
        if (queue != null) {
            queue.drain();   // never handed to Kafka, never acked: JetStream redelivers them to the next task
        }
        if (connection != null) {
            try {
                connection.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        inFlight.clear();
    }
}
