package io.relaybus.bridge;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;

import io.relaybus.api.BusFatalException;
import io.relaybus.api.BusHealth;
import io.relaybus.api.Event;
import io.relaybus.api.PublishReceipt;
import io.relaybus.spi.Transport;
import io.relaybus.spi.support.OffsetTracker;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes records through the NATS transport's JetStream publisher ({@link Transport#publish}): the transport's
 * connection, authentication and TLS, its message format (the record becomes an {@link io.relaybus.api.Event}, see
 * {@link EventMapping}), its bounded window of unacknowledged publishes ({@code nats.publish.window}; {@link #put}
 * blocks while it is full), its publish timeout and its classification of failures. The event id travels as
 * {@code Nats-Msg-Id}: the record's {@code relaybus.id} header, else {@code topic-partition-offset}, so a record
 * published again is stored once.
 *
 * <p><b>Commits.</b> {@link #preCommit} returns, per partition, only the contiguous prefix of offsets whose
 * publishes JetStream acknowledged (the {@link OffsetTracker}); records still in flight are never
 * committed, so a crash re-publishes them, and the msg-id dedupes them.
 *
 * <p><b>Errors.</b> A retriable publish failure (disconnected, timed out, no stream answering, a stream leader
 * election) rewinds the partition (through {@code context.offset}) to the first failed record and throws
 * {@link RetriableException}, so the worker backs off and redelivers. A record that can never be published (no subject
 * for it, a payload above the server's limit, a subject no stream stores, permission denied: the transport's
 * {@link BusFatalException}) goes to the {@link ErrantRecordReporter} (errors.tolerance=all) or fails the task once,
 * naming the record: never dropped.
 *
 * <p><b>Start.</b> NATS is opened by a {@link NatsOpener} in the background; until it is connected {@link #put}
 * throws {@link RetriableException} (the worker retries the batch), and when it gave up the task fails with the last
 * error.
 *
 * <p><b>Threading.</b> {@code put}, {@code preCommit}, {@code open}, {@code close} and {@code stop} come from the
 * worker's task thread; publish futures complete on the transport's callback thread and only touch thread-safe state
 * (trackers, queues).
 */
public final class NatsSinkTask extends SinkTask {

    private static final Logger log = LoggerFactory.getLogger(NatsSinkTask.class);
    private static final java.time.Duration CONNECT_WAIT = java.time.Duration.ofSeconds(5);

    private final Map<TopicPartition, Progress> progress = new ConcurrentHashMap<>();
    private final Queue<Failure> retriable = new ConcurrentLinkedQueue<>();
    private final Queue<Failure> rejected = new ConcurrentLinkedQueue<>();
    private NatsSinkConfig config;
    private NatsOpener opener;
    private SubjectTemplate subjects;
    private Origins origins;
    private ErrantRecordReporter reporter;
    private BridgeMetrics metrics;

    @Override
    public String version() {
        return Versions.version();
    }

    @Override
    public void start(Map<String, String> props) {
        Map<String, String> translated = NatsKeys.translate(props, false);   // the connector warned
        config = new NatsSinkConfig(translated);
        if (translated.get(NatsSinkConfig.KEY_HEADER_CONFIG) != null) {
            log.warn("Configuration {} is deprecated and not used: the key travels as the Relaybus-Key header; remove "
                    + "it", NatsSinkConfig.KEY_HEADER_CONFIG);
        }
        subjects = config.subjectTemplate();
        origins = NatsKeys.origins(translated);
        metrics = BridgeMetrics.sink(context);
        try {
            reporter = context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            reporter = null;   // a worker older than Kafka 2.6
        }
        opener = new NatsOpener(translated, "jetstream", "relaybus-sink-" + translated.getOrDefault("name", "nats-sink"));
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        handleFailures();
        Transport transport = opener.transport();   // throws once connecting failed for good
        if (records.isEmpty()) {
            return;
        }
        if (transport == null) {
            try {
                transport = opener.await(CONNECT_WAIT);   // usually connected within milliseconds of start()
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (transport == null) {
            context.timeout(config.retryBackoff().toMillis());
            throw new RetriableException("not connected to NATS yet (the task log says why); the records will be "
                    + "retried");
        }
        BusHealth health = transport.health();
        if (health.status() != BusHealth.Status.UP) {
            context.timeout(config.retryBackoff().toMillis());
            throw new RetriableException("the NATS connection is " + health.detail() + "; the records will be retried");
        }
        for (SinkRecord record : records) {
            handle(transport, record);
        }
    }

    private void handle(Transport transport, SinkRecord record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.kafkaPartition());
        long offset = record.kafkaOffset();
        Progress p = progress.get(tp);
        if (p == null || (p.awaiting >= 0 && offset == p.awaiting)) {
            p = new Progress(offset);
            progress.put(tp, p);
        } else if (p.awaiting >= 0) {
            return;   // a record from before the rewind; it comes again after the seek
        }
        if (offset < p.next) {
            return;   // redelivered by the worker (retried batch): already published, its ack is tracked
        }
        p.tracker.started(offset);   // offsets Kafka skipped (compaction, transaction markers) are passed over
        p.next = offset + 1;
        Header origin = record.headers().lastWithName(Origins.HEADER);
        if (origin != null && origins.skip(EventMapping.text(origin.value(), origin.schema()))) {
            p.tracker.acknowledged(offset);   // written by our peer source: do not echo it back
            metrics.originSkipped();
            return;
        }
        final Progress owner = p;
        Event event;
        try {
            event = EventMapping.toEvent(record, subjects.subjectFor(record), origins.ownId());
        } catch (RuntimeException e) {
            reject(new Failure(tp, record, owner, e));
            return;
        }
        long started = System.nanoTime();
        CompletableFuture<PublishReceipt> receipt = transport.publish(event);
        receipt.whenComplete((r, error) -> {
            if (error == null) {
                metrics.mirrored(event.payload().length, System.nanoTime() - started);
                owner.tracker.acknowledged(offset);
            } else {
                Throwable cause = unwrap(error);
                (cause instanceof BusFatalException ? rejected : retriable).add(new Failure(tp, record, owner, cause));
            }
        });
    }

    /** Task thread: dead-letters (or fails on) rejected records, rewinds partitions with retriable failures. */
    private void handleFailures() {
        Failure f;
        while ((f = rejected.poll()) != null) {
            reject(f);
        }
        Map<TopicPartition, Failure> rewind = new HashMap<>();
        while ((f = retriable.poll()) != null) {
            if (progress.get(f.tp) != f.owner) {
                continue;   // the partition was rewound or closed since: the record is handled again anyway
            }
            rewind.merge(f.tp, f, (a, b) -> a.record.kafkaOffset() <= b.record.kafkaOffset() ? a : b);
        }
        if (rewind.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> offsets = new HashMap<>();
        rewind.forEach((tp, failure) -> {
            long from = failure.record.kafkaOffset();
            offsets.put(tp, from);
            progress.put(tp, Progress.awaiting(from));
        });
        context.offset(offsets);
        context.timeout(config.retryBackoff().toMillis());
        Failure first = rewind.values().iterator().next();
        throw new RetriableException("publishing to NATS failed (" + first.cause + "); rewinding " + offsets
                + " and retrying", first.cause);
    }

    private void reject(Failure f) {
        if (progress.get(f.tp) != f.owner) {
            return;
        }
        metrics.error();
        if (reporter == null) {
            throw new ConnectException("record " + f.tp + "@" + f.record.kafkaOffset() + " cannot be published to "
                    + "NATS: " + f.cause.getMessage() + ". Fix the record or the configuration, or set "
                    + "errors.tolerance=all and errors.deadletterqueue.topic.name to dead-letter such records",
                    f.cause);
        }
        log.warn("Record {}@{} cannot be published to NATS and goes to the connector's error handling "
                + "(errors.tolerance): {}", f.tp, f.record.kafkaOffset(), f.cause.getMessage());
        try {
            reporter.report(f.record, f.cause).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while dead-lettering", e);
        } catch (ExecutionException e) {
            throw new ConnectException("cannot dead-letter record " + f.tp + "@" + f.record.kafkaOffset(), e);
        }
        f.owner.tracker.acknowledged(f.record.kafkaOffset());
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Only offsets whose publishes were acknowledged, contiguous per partition. */
    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        Map<TopicPartition, OffsetAndMetadata> acked = new HashMap<>();
        for (TopicPartition tp : currentOffsets.keySet()) {
            Progress p = progress.get(tp);
            if (p != null && p.tracker != null) {
                acked.put(tp, new OffsetAndMetadata(p.tracker.committable()));
            }
        }
        return acked;
    }

    /** Not used: {@link #preCommit} decides what is committed, and never waits. */
    @Override
    public void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        partitions.forEach(progress::remove);
    }

    /** Closes the transport: what is batched is sent, outstanding publishes get their timeout to be acknowledged. */
    @Override
    public void stop() {
        if (opener != null) {
            opener.close();
        }
        if (metrics != null) {
            metrics.close();
        }
    }

    /** One partition's publish state since it was assigned or rewound. */
    private static final class Progress {
        final OffsetTracker tracker;
        final long awaiting;   // >= 0: rewound, ignore records until this offset comes again
        long next;             // task thread only

        private Progress(OffsetTracker tracker, long next, long awaiting) {
            this.tracker = tracker;
            this.next = next;
            this.awaiting = awaiting;
        }

        Progress(long first) {
            this(new OffsetTracker(first), first, -1);
        }

        static Progress awaiting(long offset) {
            return new Progress(null, offset, offset);
        }
    }

    private record Failure(TopicPartition tp, SinkRecord record, Progress owner, Throwable cause) {
    }
}
