package io.relaybus.nats;

import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.relaybus.api.BusFatalException;
import io.relaybus.api.BusRetriableException;
import io.relaybus.api.StartPosition;
import io.relaybus.spi.SubscriptionSpec;

import java.io.IOException;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The JetStream consumer of one subscription: created, or bound to when the group's durable consumer exists, created
 * again when it disappeared, deleted on close when it is the subscription's own (no group).
 *
 * <p>Settings: explicit acknowledgement; {@code ack_wait} from {@code nats.consumer.ack.wait.ms};
 * {@code max_ack_pending} from the subscriber's capacity unless configured, never lowered on an existing consumer;
 * {@code max_deliver} unlimited. The bus counts handler failures itself and hands events back (a {@code nak}) when a
 * subscription closes, so a delivery limit on the consumer would make the server stop delivering an event that was
 * merely handed back a few times, without a dead letter: an existing consumer with one is changed to unlimited (and
 * if the server refuses, that is logged).
 *
 * <p>Errors: {@link BusFatalException} when no retry can help (JetStream refused the consumer, an existing consumer
 * of that name filters another subject, no stream stores the subject and provisioning is off);
 * {@link BusRetriableException} when the server could not be asked. Used by the subscription's pull thread only.
 */
final class DurableConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(DurableConsumer.class);
    private static final int CONSUMER_NOT_FOUND = 10014;

    private final Connection connection;
    private final JetStreamManagement jsm;
    private final StreamRegistry streams;
    private final NatsConfig config;
    private final SubscriptionSpec spec;
    private final String subject;
    private final String name;
    private final String fixedStream;
    private final Long resumeAfter;
    private volatile String stream;

    DurableConsumer(Connection connection, JetStreamManagement jsm, StreamRegistry streams, NatsConfig config,
                    SubscriptionSpec spec, String subject, String name) {
        this(connection, jsm, streams, config, spec, subject, name, null, null);
    }

    /**
     * @param fixedStream the stream to use, or null to look it up ({@link StreamRegistry}) by subject
     * @param resumeAfter the last stream sequence the (single) owner of a durable consumer finished, or null; see
     *                    {@link io.relaybus.nats.support.ConsumerSpec}
     */
    DurableConsumer(Connection connection, JetStreamManagement jsm, StreamRegistry streams, NatsConfig config,
                    SubscriptionSpec spec, String subject, String name, String fixedStream, Long resumeAfter) {
        this.fixedStream = fixedStream;
        this.resumeAfter = resumeAfter;
        this.connection = connection;
        this.jsm = jsm;
        this.streams = streams;
        this.config = config;
        this.spec = spec;
        this.subject = subject;
        this.name = name;
    }

    String name() {
        return name;
    }

    /** The stream, once {@link #create()} resolved it; null before. */
    String stream() {
        return stream;
    }

    /** Resolves the stream (creating it when provisioning is on) and creates or binds the consumer. */
    ConsumerContext create() {
        stream = fixedStream != null ? fixedStream : streams.streamFor(spec.topic(), subject);
        return setUp(resumeAfter == null ? null : resumeAfter + 1);
    }

    /** The consumer's {@code num_pending}; empty before {@link #create()}, when it is gone or the server is not reached. */
    OptionalLong pending() {
        try {
            ConsumerInfo info = stream == null ? null : info();
            return info == null ? OptionalLong.empty() : OptionalLong.of(info.getNumPending());
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** Whether the consumer (or its whole stream) no longer exists. */
    boolean gone() throws IOException, JetStreamApiException {
        return info() == null;
    }

    /**
     * Creates the consumer again after it disappeared, starting at {@code resumeAt} (the lowest stream sequence the
     * subscription has not settled), or as configured when the subscription has seen nothing yet (null). The stream
     * may be gone too (memory storage across a restart): it is resolved again, and when its sequences started over
     * everything in it is new to this subscription.
     */
    ConsumerContext recreate(Long resumeAt) throws IOException, JetStreamApiException {
        streams.forget(subject);
        stream = fixedStream != null ? fixedStream : streams.streamFor(spec.topic(), subject);
        Long start = resumeAt;
        if (start != null && jsm.getStreamInfo(stream).getStreamState().getLastSequence() < start - 1) {
            start = 1L;
        }
        LOG.warn("Consumer {} of {} is gone; creating it again from {}", name,
                spec.describe(), start == null ? "the configured start position" : "stream sequence " + start);
        return setUp(start);
    }

    /** Deletes the consumer when it is the subscription's own (no group); the server removes it later otherwise. */
    void deleteIfOwn() {
        if (spec.group() != null || stream == null) {
            return;
        }
        try {
            jsm.deleteConsumer(stream, name);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.debug("Could not delete consumer {}; the server removes it when "
                    + "inactive: {}", name, e.toString());
        }
    }

    private ConsumerContext setUp(Long resumeAt) {
        try {
            int wanted = config.values().getInt(NatsConfig.MAX_ACK_PENDING_CONFIG);
            long maxAckPending = wanted > 0 ? wanted : Math.max(1, spec.maxInFlight());
            ConsumerInfo existing = spec.group() == null ? null : info();
            if (existing != null && resumeAfter != null && resumeAt != null) {
                resumeAt = realign(existing, resumeAt);
                existing = resumeAt == null ? existing : null;
            }
            if (existing != null) {
                update(existing.getConsumerConfiguration(), wanted, maxAckPending);
            } else {
                ConsumerConfiguration.Builder b = ConsumerConfiguration.builder()
                        .filterSubject(subject)
                        .ackPolicy(AckPolicy.Explicit)
                        .ackWait(config.ackWait())
                        .maxAckPending(maxAckPending)
                        .maxDeliver(-1);
                if (resumeAt != null) {
                    b.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(resumeAt);
                } else {
                    b.deliverPolicy(spec.startFrom() == StartPosition.EARLIEST ? DeliverPolicy.All : DeliverPolicy.New);
                }
                if (spec.group() != null) {
                    b.durable(name);
                } else {
                    b.name(name).inactiveThreshold(config.values().getDuration(NatsConfig.INACTIVE_THRESHOLD_CONFIG));
                }
                jsm.addOrUpdateConsumer(stream, b.build());
            }
            return connection.getConsumerContext(stream, name);
        } catch (JetStreamApiException e) {
            throw new BusFatalException("JetStream refused consumer " + name + " on stream " + stream + " for "
                    + spec.describe() + " (error " + e.getApiErrorCode() + ": " + e.getErrorDescription() + ")", e);
        } catch (IOException | IllegalStateException e) {
            throw new BusRetriableException("Could not set up consumer " + name + " on stream " + stream + " for "
                    + spec.describe() + ": " + e.getMessage() + " (servers " + NatsConnector.describeServers(config)
                    + ")", e);
        }
    }

    /**
     * For a single owner that keeps its own finished position ({@code resumeAfter}): whether the existing consumer
     * must be created again, at the returned sequence, or used as it is (null). It is created again when its
     * acknowledgement floor lags behind what the owner finished (exactly-once: the owner's transaction committed, the
     * acks did not arrive), or when it still has deliveries of a previous owner unacknowledged (they would come back
     * only after the ack wait, behind newer ones).
     */
    private Long realign(ConsumerInfo existing, long wanted) throws IOException, JetStreamApiException {
        long floor = existing.getAckFloor().getStreamSequence();
        boolean lagging = floor < wanted - 1;
        boolean outstanding = existing.getNumAckPending() > 0;
        if (!lagging && !outstanding) {
            return null;
        }
        long start = Math.max(floor + 1, wanted);
        LOG.info("Consumer {} on stream {}: ack floor {}, {} unacknowledged, finished up to {}: creating it again "
                + "from stream sequence {}", name, stream, floor, existing.getNumAckPending(), wanted - 1, start);
        jsm.deleteConsumer(stream, name);
        return start;
    }

    /** Adjusts an existing group consumer: its filter must match; ack wait, max_ack_pending and max_deliver follow. */
    private void update(ConsumerConfiguration cc, int wanted, long maxAckPending) throws IOException {
        String filter = cc.getFilterSubject();
        if (filter != null && !filter.isEmpty() && !filter.equals(subject)) {
            throw new BusFatalException("Consumer " + name + " of stream " + stream + " (group " + spec.group()
                    + ") exists with filter subject " + filter + ", not " + subject + "; use another group name or "
                    + "change " + NatsConfig.CONSUMER_NAME_CONFIG);
        }
        boolean raise = wanted > 0 ? cc.getMaxAckPending() != wanted : cc.getMaxAckPending() < maxAckPending;
        boolean limited = cc.getMaxDeliver() > 0;
        if (raise || limited || !config.ackWait().equals(cc.getAckWait())) {
            try {
                jsm.addOrUpdateConsumer(stream, ConsumerConfiguration.builder(cc)
                        .maxAckPending(raise ? maxAckPending : cc.getMaxAckPending())
                        .ackWait(config.ackWait()).maxDeliver(-1).build());
            } catch (JetStreamApiException e) {
                LOG.atLevel(limited ? Level.WARN : Level.INFO).log("Consumer {} kept its "
                        + "settings (update refused: {}){}", name, e.getErrorDescription(), limited ? "; its "
                        + "max_deliver of " + cc.getMaxDeliver() + " makes the server stop delivering an event that "
                        + "was handed back that often (subscriptions closing), without a dead letter: set it to -1 "
                        + "(nats consumer edit)" : "");
            }
        }
    }

    private ConsumerInfo info() throws IOException, JetStreamApiException {
        try {
            return jsm.getConsumerInfo(stream, name);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == CONSUMER_NOT_FOUND || e.getApiErrorCode() == StreamRegistry.STREAM_NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }
}
