package io.relaybus.bridge;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.nats.client.Connection;
import io.relaybus.api.Event;
import io.relaybus.nats.support.JetStreamDelivery;
import io.relaybus.nats.support.JetStreamSupport;
import io.relaybus.spi.Delivery;
import io.relaybus.spi.DeliverySink;
import io.relaybus.spi.Transport;
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
 * <p><b>Flow.</b> NATS is opened by a {@link NatsOpener} (the transport's connection, with retries while NATS cannot
 * be reached). In JetStream mode each subject is a {@link JetStreamIntake}: the transport's pull consumer offers
 * each message to this task's {@link DeliverySink}, which converts it ({@link RecordConverter}) and queues it in the
 * {@link BatchQueue} (room for four full batches, by count and by bytes) or refuses it when the queue is
 * full; the transport then holds it, keeps it alive on the server with in-progress, and offers it again once there is
 * room (backpressure). {@link #poll()} takes what is queued, up to {@code batch.max.records} and
 * {@code batch.max.bytes}, as soon as there is something ({@code batch.linger.ms} can make it wait for more).
 *
 * <p><b>Acks.</b> In JetStream mode a message is acked only in {@link #commitRecord}, i.e. after Kafka acknowledged
 * its record (with exactly-once, after the transaction holding it and its offset committed); never in
 * {@link #commit()} and never automatically. Messages skipped by loop prevention are acked at once. Unacked messages
 * are handed back when the task stops, or redelivered after the ack wait when it dies: at-least-once.
 *
 * <p><b>Messages that cannot be mirrored</b> (no topic for their subject, a topic Kafka refuses, larger than
 * {@code kafka.max.record.bytes}) follow {@code errors.tolerance}: {@code none} fails the task once, naming the
 * subject and stream sequence, leaving the message unacknowledged; {@code all} logs it, counts it
 * ({@code errors-total}), publishes it to {@code nats.dead.letter.subject} when set, and acks it.
 *
 * <p><b>Threading.</b> {@code start}, {@code poll} and {@code stop} come from the worker's task thread (stop may come
 * from another), {@code commitRecord} from the producer's callback thread; the transport's pull threads call the
 * sink. The in-flight map is synchronized.
 */
public final class NatsSourceTask extends SourceTask {

    private static final Logger log = LoggerFactory.getLogger(NatsSourceTask.class);
    private static final int QUEUED_BATCHES = 4;
    static final String ERROR_HEADER = "relaybus-bridge-error";
    static final String ERROR_SUBJECT_HEADER = "relaybus-bridge-error-subject";

    private final Map<SourceRecord, Delivery> inFlight = Collections.synchronizedMap(new IdentityHashMap<>());
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private volatile boolean running;
    private NatsSourceConfig config;
    private Map<String, String> props;
    private List<String> subjects;
    private int member;
    private int members;
    private String name;
    private boolean tolerateAll;
    private NatsOpener opener;
    private Transport transport;
    private BatchQueue<SourceRecord> queue;
    private RecordConverter converter;
    private BridgeMetrics metrics;
    private final List<AutoCloseable> readers = new ArrayList<>();

    @Override
    public String version() {
        return Versions.version();
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = NatsKeys.translate(props, false);   // the connector warned
        config = new NatsSourceConfig(this.props);
        subjects = Arrays.asList(this.props.getOrDefault(NatsSourceConfig.TASK_SUBJECTS,
                String.join(",", config.subjects())).split(","));
        member = Integer.parseInt(this.props.getOrDefault(NatsSourceConfig.TASK_MEMBER, "0"));
        members = Integer.parseInt(this.props.getOrDefault(NatsSourceConfig.TASK_MEMBERS, "1"));
        name = this.props.getOrDefault("name", "nats-source");
        tolerateAll = "all".equalsIgnoreCase(this.props.getOrDefault("errors.tolerance", "none").trim());
        running = true;
        queue = new BatchQueue<>(QUEUED_BATCHES * config.batchRecords(), QUEUED_BATCHES * config.batchBytes(),
                NatsSourceTask::sizeOf);
        converter = new RecordConverter(config.topicMapper(), config.keyExtractor(), NatsKeys.origins(this.props),
                config.maxRecordBytes());
        metrics = BridgeMetrics.source(context);
        metrics.pending(inFlight::size);
        opener = new NatsOpener(this.props, config.mode().name().toLowerCase(java.util.Locale.ROOT),
                "relaybus-source-" + name + "-" + member);
        log.info("NATS source task {} (member {} of {}) for {} in {} mode: connecting", name, member, members,
                subjects, config.mode());
    }

    /** Once NATS is connected (poll thread): starts one reader per subject. */
    private boolean started() {
        if (transport != null) {
            return true;
        }
        Transport t = opener.transport();
        if (t == null) {
            return false;
        }
        transport = t;
        t.unwrap(Connection.class).ifPresent(c -> metrics.reconnects(() -> c.getStatistics().getReconnects()));
        for (String subject : subjects) {
            String durable = config.durableName(name, subject);
            if (config.mode() == NatsSourceConfig.Mode.JETSTREAM) {
                JetStreamSupport support = t.unwrap(JetStreamSupport.class).orElseThrow();
                JetStreamIntake intake = new JetStreamIntake(subject);
                readers.add(intake);
                intake.start(support, config, context.offsetStorageReader(), durable, member, members,
                        QUEUED_BATCHES * config.batchRecords(), new Handoff(intake));
            } else {
                CoreReader reader = new CoreReader(t.unwrap(Connection.class).orElseThrow(), subject,
                        members > 1 ? durable : null, this::acceptCore);
                readers.add(reader);
                reader.start();
            }
        }
        log.info("NATS source task {} (member {} of {}) reading {} in {} mode", name, member, members, subjects,
                config.mode());
        return true;
    }

    private static long sizeOf(SourceRecord r) {
        return (r.value() instanceof byte[] b ? b.length : 0) + 64L;
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        RuntimeException t = failure.get();
        if (t != null) {
            throw t;
        }
        if (!started()) {
            opener.await(config.pollTimeout());
            return null;
        }
        List<SourceRecord> batch = queue.takeBatch(config.batchRecords(), config.batchBytes(),
                config.batchLinger().toNanos(), config.pollTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return batch.isEmpty() ? null : batch;
    }

    /** Acks the message of a record Kafka has acknowledged (metadata is null if a transform dropped it: ack too). */
    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        Delivery delivery = inFlight.remove(record);
        if (delivery != null) {
            delivery.ack();
            metrics.mirrored(record.value() instanceof byte[] b ? b.length : 0);
        }
    }

    /** Deliberately does not ack: acks happen per record in {@link #commitRecord}, after Kafka acknowledged it. */
    @Override
    public void commit() {
    }

    @Override
    public void stop() {
        running = false;
        for (AutoCloseable reader : readers) {
            try {
                reader.close();
            } catch (Exception e) {
                log.debug("closing a reader failed", e);
            }
        }
        readers.clear();
        if (queue != null) {
            queue.drain();   // never handed to Kafka, never acked: handed back by the readers' close
        }
        if (opener != null) {
            opener.close();
        }
        inFlight.clear();
        if (metrics != null) {
            metrics.close();
        }
    }

    /** A message that cannot be mirrored: fail once (errors.tolerance=none) or report and go on (all). */
    private boolean unconvertible(Event event, String subject, String stream, long sequence, String reason,
                                  Delivery delivery) {
        metrics.error();
        String what = "NATS message " + subject + " (stream " + stream + ", sequence " + sequence + ")";
        if (!tolerateAll) {
            failure.compareAndSet(null, new ConnectException(what + " cannot be mirrored to Kafka: " + reason
                    + ". It stays unacknowledged; fix the configuration, or set errors.tolerance=all to skip such "
                    + "messages (optionally to " + NatsSourceConfig.DEAD_LETTER_SUBJECT_CONFIG + ")"));
            return false;
        }
        log.warn("{} cannot be mirrored to Kafka and is skipped (errors.tolerance=all): {}", what, reason);
        String deadLetters = config.deadLetterSubject();
        if (deadLetters.isBlank()) {
            delivery.ack();
            return true;
        }
        Event letter = event.toBuilder().topic(deadLetters).id(stream + "#" + sequence)
                .header(ERROR_HEADER, reason.getBytes(StandardCharsets.UTF_8))
                .header(ERROR_SUBJECT_HEADER, subject.getBytes(StandardCharsets.UTF_8)).build();
        transport.publish(letter).whenComplete((r, e) -> {
            if (e == null) {
                delivery.ack();
            } else {
                failure.compareAndSet(null, new ConnectException("Publishing " + what + " to the dead-letter "
                        + "subject " + deadLetters + " failed: " + e.getMessage(), e));
            }
        });
        return true;
    }

    private void acceptCore(Event event, String subject) {
        if (converter.skip(event)) {
            metrics.originSkipped();
            return;
        }
        SourceRecord record;
        try {
            record = converter.convert(event, subject, null, null);
        } catch (RecordConverter.Unconvertible e) {
            metrics.error();
            if (!tolerateAll) {
                failure.compareAndSet(null, new ConnectException("NATS message on " + subject + " cannot be mirrored "
                        + "to Kafka: " + e.getMessage() + ". Set errors.tolerance=all to skip such messages"));
            } else {
                log.warn("NATS message on {} cannot be mirrored to Kafka and is skipped: {}", subject, e.getMessage());
            }
            return;
        }
        try {
            while (running && !queue.put(record, 100, TimeUnit.MILLISECONDS)) {
                // full: the core subscription's own buffer takes the backlog (at most once)
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Where one subject's consumer delivers: converts, queues or refuses (backpressure), never blocks. */
    private final class Handoff implements DeliverySink {
        private final JetStreamIntake intake;

        Handoff(JetStreamIntake intake) {
            this.intake = intake;
        }

        @Override
        public boolean offer(Delivery delivery) {
            JetStreamDelivery d = (JetStreamDelivery) delivery;
            Event event = d.event();
            if (converter.skip(event)) {
                d.ack();   // our own peer's message: skipped, never comes back
                metrics.originSkipped();
                return true;
            }
            SourceRecord record;
            try {
                record = converter.convert(event, d.subject(), intake.partition(), intake.offset(d.streamSequence()));
            } catch (RecordConverter.Unconvertible e) {
                return unconvertible(event, d.subject(), d.stream(), d.streamSequence(), e.getMessage(), d);
            }
            inFlight.put(record, d);
            try {
                if (running && queue.put(record, 0, TimeUnit.NANOSECONDS)) {
                    return true;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight.remove(record);
            return false;
        }

        @Override
        public int remainingCapacity() {
            return queue.remainingCapacity();
        }

        @Override
        public boolean awaitCapacity(long timeout, TimeUnit unit) throws InterruptedException {
            return queue.awaitRoom(timeout, unit);
        }

        @Override
        public void intakeFailed(Throwable cause) {
            failure.compareAndSet(null, new ConnectException("Reading NATS failed for good: " + cause.getMessage(),
                    cause));
        }
    }
}
