package io.relaybus.bridge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.relaybus.spi.support.OffsetTracker;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Values;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes records to JetStream with {@code publishAsync}, at most {@code nats.publish.max.outstanding} awaiting
 * their ack at any time ({@link #put} blocks on the window), each with {@code Nats-Msg-Id = topic-partition-offset}
 * so a record published twice is stored once.
 *
 * <p><b>Commits.</b> {@link #preCommit} returns, per partition, only the contiguous prefix of offsets whose
 * publishes JetStream acknowledged (the shared-core {@link OffsetTracker}); records still in
 * flight are never committed, so a crash re-publishes them, and the msg-id dedupes them.
 *
 * <p><b>Errors.</b> A disconnected NATS connection, an ack timeout or a 5xx JetStream error is retriable: the
 * partition is rewound (through {@code context.offset}) to the first failed record and {@link RetriableException}
 * is thrown, so the worker backs off and redelivers. A record that cannot be sent at all (no key for a {key}
 * template, invalid subject or header, payload too large, a 4xx JetStream error) goes to the
 * {@link ErrantRecordReporter} (the DLQ) when the connector has one, and otherwise fails the task: never dropped.
 *
 * <p><b>Threading.</b> {@code put}, {@code preCommit}, {@code open}, {@code close} and {@code stop} come from the
 * worker's task thread; ack callbacks from jnats threads only touch thread-safe state (trackers, queues, the window).
 */
public final class NatsSinkTask extends SinkTask {

    private static final Logger log = LoggerFactory.getLogger(NatsSinkTask.class);

    private final Map<TopicPartition, Progress> progress = new ConcurrentHashMap<>();
    private final Queue<Failure> retriable = new ConcurrentLinkedQueue<>();
    private final Queue<Failure> rejected = new ConcurrentLinkedQueue<>();
    private NatsSinkConfig config;
    private Connection connection;
    private JetStream jetStream;
    private SubjectTemplate subjects;
    private Origins origins;
    private String keyHeader;
    private Semaphore window;
    private ErrantRecordReporter reporter;

    @Override
    public String version() {
        return Versions.version();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new NatsSinkConfig(props);
        subjects = config.subjectTemplate();
        origins = NatsClientConfig.origins(config, props);
        keyHeader = config.keyHeader();
        window = new Semaphore(config.maxOutstanding());
        try {
            reporter = context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            reporter = null;   // a worker older than Kafka 2.6
        }
        connection = NatsClientConfig.connect(config, "relaybus-sink-" + props.getOrDefault("name", "nats-sink"));
        try {
            jetStream = connection.jetStream();
        } catch (IOException e) {
            throw new RetriableException("cannot open JetStream on " + connection.getConnectedUrl() + ": " + e, e);
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        handleFailures();
        if (records.isEmpty()) {
            return;
        }
        if (connection.getStatus() != Connection.Status.CONNECTED) {
            context.timeout(config.retryBackoff().toMillis());
            throw new RetriableException("the NATS connection is " + connection.getStatus()
                    + "; the records will be retried");
        }
        for (SinkRecord record : records) {
            handle(record);
        }
    }

    private void handle(SinkRecord record) {
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
        if (origin != null && origins.skip(HeaderMapping.asString(origin.value()))) {
            p.tracker.acknowledged(offset);   // written by our peer source: do not echo it back
            return;
        }
        final Progress owner = p;
        String subject;
        Headers headers;
        byte[] data;
        try {
            subject = subjects.subjectFor(record);
            headers = HeaderMapping.toNats(record.headers(), Origins.HEADER);
            headers.put(Origins.HEADER, origins.ownId());
            String key = HeaderMapping.asString(record.key());
            if (!keyHeader.isEmpty() && key != null) {
                headers.put(keyHeader, key);
            }
            data = payload(record.value());
        } catch (RuntimeException e) {
            reject(new Failure(tp, record, owner, e));
            return;
        }
        acquire();
        CompletableFuture<PublishAck> ack;
        try {
            PublishOptions options = PublishOptions.builder()
                    .messageId(MsgIds.of(record.topic(), record.kafkaPartition(), offset)).build();
            ack = jetStream.publishAsync(subject, headers, data, options);
        } catch (RuntimeException e) {
            window.release();
            Failure f = new Failure(tp, record, owner, e);
            if (isRetriable(e)) {
                retriable.add(f);
            } else {
                reject(f);
            }
            return;
        }
        ack.orTimeout(config.ackTimeout().toMillis(), TimeUnit.MILLISECONDS).whenComplete((pa, error) -> {
            window.release();
            if (error == null) {
                owner.tracker.acknowledged(offset);
            } else {
                Failure f = new Failure(tp, record, owner, unwrap(error));
                (isRetriable(f.cause) ? retriable : rejected).add(f);
            }
        });
    }

    private void acquire() {
        try {
            window.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while waiting for JetStream acks", e);
        }
    }

    private static byte[] payload(Object value) {
        if (value == null) {
            return new byte[0];
        }
        if (value instanceof byte[] bytes) {
            return bytes;
        }
        String s = value instanceof String str ? str : Values.convertToString(null, value);
        return s.getBytes(StandardCharsets.UTF_8);
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
        if (reporter == null) {
            throw new ConnectException("record " + f.tp + "@" + f.record.kafkaOffset() + " cannot be published to "
                    + "NATS: " + f.cause.getMessage() + ". Fix the record or the configuration, or set "
                    + "errors.tolerance=all and errors.deadletterqueue.topic.name to dead-letter such records",
                    f.cause);
        }
        log.warn("dead-lettering record {}@{}: {}", f.tp, f.record.kafkaOffset(), f.cause.toString());
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

    static boolean isRetriable(Throwable t) {
        if (t instanceof TimeoutException || t instanceof CancellationException || t instanceof IOException
                || t instanceof IllegalStateException) {
            return true;
        }
        if (t instanceof JetStreamApiException api) {
            return api.getErrorCode() >= 500 || api.getErrorCode() == 408;
        }
        return t.getCause() != null && t.getCause() != t && isRetriable(t.getCause());
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

    @Override
    public void stop() {
        if (window != null && !window.tryAcquire(config.maxOutstanding())) {
            try {
                // Give outstanding publishes their ack timeout; what is not acked is re-published after restart.
                if (window.tryAcquire(config.maxOutstanding(), config.ackTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    window.release(config.maxOutstanding());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (connection != null) {
            try {
                connection.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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
