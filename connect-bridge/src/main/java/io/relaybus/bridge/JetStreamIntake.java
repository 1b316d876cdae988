package io.relaybus.bridge;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.relaybus.api.BusException;
import io.relaybus.api.BusRetriableException;
import io.relaybus.nats.support.ConsumerSpec;
import io.relaybus.nats.support.JetStreamSupport;
import io.relaybus.nats.support.StreamState;
import io.relaybus.spi.DeliverySink;
import io.relaybus.spi.TransportSubscription;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subject filter of a source task in JetStream mode, read through the NATS transport's durable pull consumer
 * ({@link JetStreamSupport#consume}): the transport's consumer lifecycle, pull loop, in-progress keep-alives (so a
 * message waiting for Kafka does not hit the ack wait), restarts with backoff, and hand-back on close.
 *
 * <p><b>Source partition</b> {@code {stream, subject}} (plus {@code member} when several tasks share the consumer);
 * <b>source offset</b> {@code {seq: stream sequence, created: the stream's creation time in ms}}.
 *
 * <p><b>Start.</b> With one member the task owns the durable and starts after its stored offset
 * ({@link ConsumerSpec#resumeAfter()}: the transport creates the consumer again when its ack floor lags or a dead
 * predecessor left deliveries unacknowledged). A stored offset beyond the stream (the stream was deleted and created
 * again, or lost its messages) is never followed silently: it is logged as a WARN and handled by
 * {@code nats.offset.reset}. With several members offsets interleave: only the durable's own state is used.
 *
 * <p>Lifecycle: {@link #start} on the task's thread once NATS is connected; {@link #close()} from {@code stop()}.
 */
final class JetStreamIntake implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JetStreamIntake.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final String subject;
    private TransportSubscription subscription;
    private Map<String, Object> partition;
    private long created;

    JetStreamIntake(String subject) {
        this.subject = subject;
    }

    /** The source partition of this subject (known once started). */
    Map<String, Object> partition() {
        return partition;
    }

    /** The source offset of stream sequence {@code seq}. */
    Map<String, Object> offset(long seq) {
        return Map.of("seq", seq, "created", created);
    }

    /**
     * Resolves the stream, decides where to start and starts consuming into {@code sink}.
     *
     * @throws ConnectException      when no stream stores the subject, JetStream refuses the consumer, or the
     *                               stored offset is beyond the stream with {@code nats.offset.reset=fail}
     * @throws RetriableException    when the server could not be asked in time
     */
    void start(JetStreamSupport support, NatsSourceConfig config, OffsetStorageReader offsets, String durable,
               int member, int members, int maxInFlight, DeliverySink sink) {
        StreamState stream;
        try {
            stream = support.streamState(config.stream(), subject);
        } catch (BusRetriableException e) {
            throw new RetriableException(e.getMessage(), e);
        } catch (BusException e) {
            throw new ConnectException(e.getMessage() + " (" + NatsSourceConfig.STREAM_CONFIG + ")", e);
        }
        created = stream.created().toEpochMilli();
        partition = new HashMap<>();
        partition.put("stream", stream.name());
        partition.put("subject", subject);
        if (members > 1) {
            partition.put("member", member);
        }
        Long resumeAfter = members > 1 ? null : resumePoint(config, offsets.offset(partition), stream);
        boolean fromStart = config.deliverFrom() == NatsSourceConfig.DeliverFrom.ALL;
        subscription = support.consume(new ConsumerSpec(stream.name(), subject, durable, resumeAfter, fromStart,
                maxInFlight), sink);
        try {
            subscription.ready().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while starting the consumer of " + subject, e);
        } catch (TimeoutException e) {
            throw new RetriableException("the JetStream consumer of " + subject + " was not ready within "
                    + READY_TIMEOUT.toSeconds() + " s");
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof BusRetriableException) {
                throw new RetriableException(cause.getMessage(), cause);
            }
            throw new ConnectException(String.valueOf(cause.getMessage()), cause);
        }
        log.info("Reading {} from stream {} with durable {} ({})", subject, stream.name(), durable,
                resumeAfter == null ? "position kept by the durable" : "after stream sequence " + resumeAfter);
    }

    /**
     * Where to resume: after the stored sequence, unless that is beyond the stream (stream created again since, or
     * fewer messages than stored): then {@code nats.offset.reset} decides, with a WARN.
     */
    private Long resumePoint(NatsSourceConfig config, Map<String, Object> stored, StreamState stream) {
        Object seq = stored == null ? null : stored.get("seq");
        if (!(seq instanceof Number n)) {
            return null;
        }
        long storedSeq = n.longValue();
        Object storedCreated = stored.get("created");
        boolean recreated = storedCreated instanceof Number c && c.longValue() != stream.created().toEpochMilli();
        if (!recreated && storedSeq <= stream.lastSequence()) {
            return storedSeq;
        }
        String why = recreated ? "stream " + stream.name() + " was created again at " + stream.created()
                + " (the offset is from the stream created at " + Instant.ofEpochMilli(((Number) storedCreated)
                .longValue()) + ")" : "stream " + stream.name() + " ends at sequence " + stream.lastSequence();
        switch (config.offsetReset()) {
            case FAIL -> throw new ConnectException("The stored offset of " + subject + " (stream sequence "
                    + storedSeq + ") is beyond its stream: " + why + ". Reset the connector's offsets (DELETE "
                    + "/connectors/{name}/offsets while it is stopped) or set " + NatsSourceConfig.OFFSET_RESET_CONFIG
                    + " to earliest or latest");
            case LATEST -> {
                log.warn("The stored offset of {} (stream sequence {}) is beyond its stream: {}. Resuming with the "
                        + "next message published (after sequence {}), as {}=latest says; set it to earliest to read "
                        + "the stream from its start instead", subject, storedSeq, why, stream.lastSequence(),
                        NatsSourceConfig.OFFSET_RESET_CONFIG);
                return stream.lastSequence();
            }
            default -> {
                log.warn("The stored offset of {} (stream sequence {}) is beyond its stream: {}. Resuming from the "
                        + "stream's first message (sequence {}), as {}=earliest says; set it to fail to stop instead",
                        subject, storedSeq, why, stream.firstSequence(), NatsSourceConfig.OFFSET_RESET_CONFIG);
                return stream.firstSequence() - 1;
            }
        }
    }

    /** Stops pulling; what the task holds unacknowledged is handed back to the server. */
    @Override
    public void close() {
        if (subscription != null) {
            subscription.close();
        }
    }
}
