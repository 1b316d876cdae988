package io.relaybus.bridge;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JetStream mode: a durable pull consumer with explicit acks, filtered on the subject, fetched by one thread.
 *
 * <p><b>Source partition</b> {@code {stream, subject}} (plus {@code member} when several tasks share the consumer),
 * <b>source offset</b> {@code {seq: stream sequence}}.
 *
 * <p><b>Resume.</b> With one member the task owns the durable. Resume point = the larger of the stored offset and
 * the durable's ack floor (everything up to either is in Kafka). If the durable is missing, its ack floor lags
 * behind the stored offset (exactly-once: the transaction with records and offsets committed, the acks did not
 * arrive), or it still has unacked deliveries of a previous incarnation, it is (re)created with
 * {@code DeliverPolicy.ByStartSequence} at resume point + 1: nothing Kafka has is read again, and what was in
 * flight comes at once and in order instead of after {@code nats.ack.wait.ms}. Otherwise it is used as is. With
 * several members offsets interleave and the durable is shared: only its own state is used, and a dead member's
 * unacked messages are redelivered after {@code nats.ack.wait.ms}.
 */
final class JetStreamReader extends SubjectReader {

    private static final Logger log = LoggerFactory.getLogger(JetStreamReader.class);
    private static final int CONSUMER_NOT_FOUND = 10014;

    private volatile boolean running;
    private Thread thread;
    private JetStreamSubscription subscription;
    private Map<String, Object> partition;

    JetStreamReader(Context ctx, String subject) {
        super(ctx, subject);
    }

    @Override
    void start() {
        try {
            JetStreamManagement jsm = ctx.connection().jetStreamManagement();
            String stream = streamFor(jsm);
            String durable = ctx.durablePrefix() + "-" + Subjects.durableSafe(subject);
            partition = new HashMap<>();
            partition.put("stream", stream);
            partition.put("subject", subject);
            if (ctx.members() > 1) {
                partition.put("member", ctx.member());
            }
            Long stored = ctx.members() > 1 ? null : storedSequence();
            ConsumerInfo existing = consumerInfo(jsm, stream, durable);
            Long resumeAfter = stored;
            if (existing != null && ctx.members() == 1) {
                long floor = existing.getAckFloor().getStreamSequence();
                boolean lagging = stored != null && floor < stored;
                boolean outstanding = existing.getNumAckPending() > 0 && (stored != null || floor > 0);
                if (lagging || outstanding) {
                    // We own this durable alone. Recreate it at the resume point so that (a) records Kafka already
                    // has are not read again, and (b) messages delivered to a dead predecessor come now and in
                    // order, not after nats.ack.wait.ms behind newer ones.
                    resumeAfter = Math.max(floor, stored == null ? 0 : stored);
                    log.info("durable {} on {}: ack floor {}, {} unacked, stored offset {}: recreating it at {}",
                            durable, stream, floor, existing.getNumAckPending(), stored, resumeAfter + 1);
                    jsm.deleteConsumer(stream, durable);
                    existing = null;
                }
            }
            if (existing == null) {
                ConsumerConfiguration.Builder cc = ConsumerConfiguration.builder()
                        .durable(durable)
                        .filterSubject(subject)
                        .ackPolicy(AckPolicy.Explicit)
                        .ackWait(ctx.config().ackWait())
                        .maxAckPending(ctx.config().maxAckPending());
                if (resumeAfter != null) {
                    cc.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(resumeAfter + 1);
                } else {
                    cc.deliverPolicy(ctx.config().deliverFrom() == NatsSourceConfig.DeliverFrom.NEW
                            ? DeliverPolicy.New : DeliverPolicy.All);
                }
                jsm.addOrUpdateConsumer(stream, cc.build());
            }
            JetStream js = ctx.connection().jetStream();
            subscription = js.subscribe(subject, PullSubscribeOptions.bind(stream, durable));
            log.info("reading {} from stream {} with durable {} (stored offset {})", subject, stream, durable, stored);
        } catch (IOException e) {
            throw new RetriableException("cannot set up the JetStream consumer for " + subject + ": " + e, e);
        } catch (JetStreamApiException e) {
            throw new ConnectException("JetStream rejected the consumer for " + subject + " (error "
                    + e.getApiErrorCode() + "): " + e.getMessage(), e);
        }
        running = true;
        thread = new Thread(this::fetchLoop, "relaybus-nats-source-" + subject);
        thread.setDaemon(true);
        thread.start();
    }

    private String streamFor(JetStreamManagement jsm) throws IOException, JetStreamApiException {
        String configured = ctx.config().stream();
        if (!configured.isBlank()) {
            return configured;
        }
        List<String> names = jsm.getStreamNames(subject);
        if (names.size() != 1) {
            throw new ConnectException("Invalid value for configuration " + NatsSourceConfig.STREAM_CONFIG
                    + ": subject " + subject + " is captured by " + (names.isEmpty() ? "no stream" : "streams " + names)
                    + "; create a stream for it or name the stream in " + NatsSourceConfig.STREAM_CONFIG);
        }
        return names.get(0);
    }

    private Long storedSequence() {
        Map<String, Object> offset = ctx.offsets().offset(partition);
        Object seq = offset == null ? null : offset.get("seq");
        return seq instanceof Number n ? n.longValue() : null;
    }

    private static ConsumerInfo consumerInfo(JetStreamManagement jsm, String stream, String durable)
            throws IOException, JetStreamApiException {
        try {
            return jsm.getConsumerInfo(stream, durable);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == CONSUMER_NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    private void fetchLoop() {
        Duration wait = ctx.config().fetchWait();
        int max = ctx.config().fetchMax();
        while (running) {
            try {
                // iterate, not fetch: fetch returns only once the batch is full or the wait is over, which held
                // every message back for up to nats.fetch.max.wait.ms (measured by bus-bench: p50 79 ms at 5,000/s,
                // a lone message 189 ms); iterate hands each message on as it arrives, from the same pull request.
                Iterator<Message> batch = subscription.iterate(max, wait);
                while (batch.hasNext()) {
                    Message m = batch.next();
                    Map<String, Long> offset = Map.of("seq", m.metaData().streamSequence());
                    long timestamp = m.metaData().timestamp().toInstant().toEpochMilli();
                    if (!forward(m, partition, offset, timestamp)) {
                        m.ack();   // our own peer's message: skipped, never comes back
                    }
                }
            } catch (IllegalStateException e) {
                if (!running) {
                    return;   // closed under us by stop()
                }
                log.warn("fetch on {} failed, retrying: {}", subject, e.toString());
                sleep();
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                log.error("reading {} failed", subject, e);
                ctx.onFailure().accept(e);
                return;
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (subscription != null) {
            try {
                subscription.unsubscribe();
            } catch (RuntimeException ignored) {
                // connection already closed
            }
        }
    }
}
