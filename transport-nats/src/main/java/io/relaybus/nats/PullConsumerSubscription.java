package io.relaybus.nats;

import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.ConsumerContext;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamStatusCheckedException;
import io.nats.client.Message;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.relaybus.api.BusException;
import io.relaybus.api.BusFatalException;
import io.relaybus.api.BusRetriableException;
import io.relaybus.api.Event;
import io.relaybus.api.StartPosition;
import io.relaybus.spi.DeliverySink;
import io.relaybus.spi.SubscriptionSpec;
import io.relaybus.spi.TransportSubscription;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A JetStream pull consumer feeding the runtime's {@link DeliverySink}, with one pull-loop thread.
 *
 * <p><b>Consumer.</b> A group is a durable consumer (named by {@code nats.consumer.name}) filtered on the topic's
 * subject: its members pull from it, so each event goes to one member, and a group that exists resumes from its
 * acknowledged position ({@code startFrom} applies to new consumers only). A subscriber without a group gets a
 * consumer of its own, deleted on close and, if the process dies, by the server after
 * {@code nats.consumer.inactive.threshold.ms}. Acknowledgement is explicit; {@code max_ack_pending} is derived from
 * the runtime's capacity ({@link SubscriptionSpec#maxInFlight()}) unless configured, and never lowered on an existing
 * consumer.
 *
 * <p><b>Loop (pipelined).</b> The loop reads a jnats {@link IterableConsumer}, which keeps pull requests outstanding
 * (each expiring after {@code max(1 s, nats.fetch.max.wait.ms)}) so that up to {@code batch =
 * min(nats.fetch.max.messages, maxInFlight)} events are on their way or buffered in the client, and asks for more once
 * a quarter of them was taken; the next events are thus already in the client when the loop wants them, instead of
 * one synchronous pull at a time. Events are taken from the client one by one and offered at once. A refused event
 * is held, and offered again, first and in order, once {@link DeliverySink#awaitCapacity} reports room; while one is
 * held nothing more is taken from the client, and the client asks for nothing more than its batch. Disconnections
 * end the outstanding pulls; jnats pulls again once reconnected (idle heartbeats tell it). If the consumer
 * disappeared (deleted, or expired or lost with a memory stream during an outage) it is created again from the lowest
 * stream sequence this subscriber has not settled, so nothing it received unsettled is skipped.
 *
 * <p><b>Prefetch and ack wait.</b> Events in the client's buffer count against {@code max_ack_pending} and their ack
 * wait runs, but they get no {@code in-progress} until the loop took them. The buffer holds at most
 * {@code batch} events (and, with the derived {@code max_ack_pending}, only what the sink's free room leaves of it), so
 * a buffered event waits at most about {@code batch / handler rate} before the loop takes it: 512 events at 50 events/s
 * is 10 s, a third of the default ack wait; subscribers with slower handlers should lower
 * {@code nats.fetch.max.messages} (or raise the ack wait). As a safety net, when the sink refused an event and has not
 * had room for a whole batch since, for a quarter of the ack wait, the loop parks the client consumer: it stops pulling
 * and moves what the client buffered or still receives (at most {@code batch} events) behind the held ones, where they
 * get {@code in-progress} like every held event; pulling resumes when the held events were accepted. Pause parks the
 * same way, and so does {@link #stopIntake()} (the parked events are then handed back with {@code nak}).
 *
 * <p><b>Ack wait.</b> Events wait in the runtime's queues before their handler runs; rather than an ack wait long
 * enough for a full queue of slow handlers, every event held (queued, running or being retried in place) gets an
 * {@code in-progress} every third of the ack wait. The ack wait thus only decides how soon a crashed member's
 * events go to another member.
 *
 * <p><b>Order.</b> One member receives a consumer's events in stream order and the runtime keeps per-key order among
 * its workers. JetStream does not keep a key's events on one member of a group, so with several members per-key
 * order holds only per member; a {@code nak} (retry with redelivery, used only when order is not required) and an
 * ack-wait expiry redeliver an event after later ones.
 *
 * <p>Per-event cost: no clock read (the keep-alive counts ticks), no lock on the loop (held events are the loop's own),
 * buffered events taken without waiting while the sink accepts them.
 *
 * <p>Threading: the loop thread owns the consumer and the held events; settle calls come from runtime workers; the
 * keep-alive runs on the transport's timer. Lifecycle: started by the constructor; {@link #stopIntake()} ends pulling
 * and hands held events back ({@code nak}); {@link #close()} waits for the loop and deletes a group-less consumer.
 */
final class PullConsumerSubscription implements TransportSubscription {

    private static final System.Logger LOG = System.getLogger(PullConsumerSubscription.class.getName());
    private static final int CONSUMER_NOT_FOUND = 10014;
    private static final long POLL_WAIT_MS = 100;
    private static final long IDLE_RECHECK_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** jnats: a null timeout takes a buffered message without waiting (zero would wait forever). */
    private static final Duration NO_WAIT = null;
    private static final Duration DRAIN_POLL = Duration.ofMillis(50);

    private final Connection connection;
    private final JetStreamManagement jsm;
    private final StreamRegistry streams;
    private final NatsConfig config;
    private final SubscriptionSpec spec;
    private final DeliverySink sink;
    private final String subject;
    private final String consumerName;
    private final Duration fetchWait;
    private final int batch;
    private final long pullExpiresMs;
    private final Duration pollWait;
    private final long stallNanos;
    private final long idleCheckNanos;
    private final Duration reconnectWait;
    private final Set<NatsDelivery> outstanding = ConcurrentHashMap.newKeySet();
    private final ArrayDeque<NatsDelivery> held = new ArrayDeque<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Thread loop;
    private final ScheduledFuture<?> keepAlive;
    private final Object pauseLock = new Object();
    private volatile boolean paused;
    private volatile boolean stopped;
    private volatile String stream;
    private volatile long tick;
    private long checkedReconnects;
    private long lastConsumerCheck = System.nanoTime();
    private long lastSeenSequence;

    PullConsumerSubscription(Connection connection, JetStreamManagement jsm, StreamRegistry streams, NatsConfig config,
                             String clientId, SubscriptionSpec spec, DeliverySink sink,
                             ScheduledExecutorService timer) {
        this.connection = connection;
        this.jsm = jsm;
        this.streams = streams;
        this.config = config;
        this.spec = spec;
        this.sink = sink;
        this.subject = config.subjectOf(spec.topic());
        this.consumerName = spec.group() != null ? config.consumerNameFor(spec.group(), spec.topic())
                : Names.sanitize(clientId + "_" + UUID.randomUUID().toString().substring(0, 8));
        this.fetchWait = config.values().getDuration(NatsConfig.FETCH_MAX_WAIT_CONFIG);
        int fetchMax = config.values().getInt(NatsConfig.FETCH_MAX_MESSAGES_CONFIG);
        this.batch = Math.max(1, Math.min(fetchMax, spec.maxInFlight()));
        this.pullExpiresMs = Math.max(ConsumeOptions.MIN_EXPIRES_MILLS, fetchWait.toMillis());
        this.pollWait = Duration.ofMillis(Math.min(POLL_WAIT_MS, fetchWait.toMillis()));
        this.stallNanos = TimeUnit.MILLISECONDS.toNanos(config.ackWait().toMillis() / 4);
        this.idleCheckNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(2000, 2 * pullExpiresMs));
        this.reconnectWait = config.values().getDuration(NatsConfig.RECONNECT_WAIT_CONFIG);
        long interval = Math.max(100, config.ackWait().toMillis() / 3);
        this.keepAlive = timer.scheduleWithFixedDelay(this::keepAlive, interval, interval, TimeUnit.MILLISECONDS);
        this.loop = new Thread(this::run, "relaybus-nats-pull-" + spec.describe());
        loop.setDaemon(true);
        loop.start();
    }

    @Override
    public CompletableFuture<Void> ready() {
        return ready;
    }

    /** The consumer's name on the server. */
    String consumerName() {
        return consumerName;
    }

    /** The consumer's {@code num_pending}, asked from the server. */
    @Override
    public OptionalLong lag() {
        try {
            ConsumerInfo info = stream == null ? null : info();
            return info == null ? OptionalLong.empty() : OptionalLong.of(info.getNumPending());
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public void pause() {
        paused = true;
    }

    @Override
    public void resume() {
        synchronized (pauseLock) {
            paused = false;
            pauseLock.notifyAll();
        }
    }

    @Override
    public void stopIntake() {
        stopped = true;
        synchronized (pauseLock) {
            pauseLock.notifyAll();
        }
    }

    @Override
    public void close() {
        stopIntake();
        try {
            loop.join(pullExpiresMs * 2 + 1000);
            if (loop.isAlive()) {
                loop.interrupt();
                loop.join(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        keepAlive.cancel(false);
        if (spec.group() == null && stream != null) {
            try {
                jsm.deleteConsumer(stream, consumerName);
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "Could not delete consumer {0}; the server removes it when "
                        + "inactive: {1}", consumerName, e.toString());
            }
        }
    }

    private void run() {
        ConsumerContext consumer;
        IterableConsumer intake = null;
        try {
            stream = streams.streamFor(spec.topic(), subject);
            consumer = setUp(null);
            intake = open(consumer);
        } catch (BusException e) {
            ready.completeExceptionally(e);
            return;
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            ready.completeExceptionally(new BusRetriableException("Subscribing to " + spec.describe() + " failed: "
                    + e, e));
            return;
        }
        ready.complete(null);
        // nanoTime of the first refusal since the sink last had room for a whole batch; 0: none. While it is set the
        // client's prefetch may be waiting for room (without in-progress): after a quarter of the ack wait it is parked.
        long blockedSince = 0;
        long idleSince = 0;         // nanoTime when the intake last returned nothing after a message; 0: not idle
        try {
            while (!stopped) {
                if (paused) {
                    if (intake != null) {
                        park(intake);
                        intake = null;
                    }
                    awaitResume();
                    continue;
                }
                if (!offerHeld()) {
                    long now = System.nanoTime();
                    if (blockedSince == 0) {
                        blockedSince = now;
                    } else if (intake != null && now - blockedSince > stallNanos) {
                        // The client's prefetch gets no in-progress: take it over before its ack wait runs out.
                        // (Also when the sink accepts slowly but steadily: only room for a batch clears the mark.)
                        park(intake);
                        intake = null;
                        blockedSince = now;
                    }
                    sink.awaitCapacity(fetchWait.toMillis(), TimeUnit.MILLISECONDS);
                    continue;
                }
                if (blockedSince != 0 && sink.remainingCapacity() >= batch) {
                    blockedSince = 0;
                }
                try {
                    if (intake == null) {
                        intake = open(consumer);
                        idleSince = 0;
                    }
                    Message msg = intake.nextMessage(pollWait);
                    if (msg != null) {
                        idleSince = 0;
                        accept(msg);
                        // Hot path: take what the client already buffered without going back through the loop's
                        // pause/held checks, while the sink accepts.
                        while (held.isEmpty() && !paused && !stopped && (msg = intake.nextMessage(NO_WAIT)) != null) {
                            accept(msg);
                        }
                    } else if (intake.isFinished()) {
                        closeQuietly(intake);
                        intake = null;
                    } else {
                        long now = System.nanoTime();
                        if (idleSince == 0) {
                            idleSince = now;
                        } else if (now - idleSince > idleCheckNanos) {
                            idleSince = now;
                            // jnats re-pulls on its own after disconnections, but it cannot bring back a consumer
                            // that is gone (lost with a memory stream across a restart; a deletion while pulls are
                            // open ends them with an error instead): look after a reconnect, else now and then.
                            long reconnects = connection.getStatistics().getReconnects();
                            if (connection.getStatus() == Connection.Status.CONNECTED
                                    && (reconnects != checkedReconnects || now - lastConsumerCheck > IDLE_RECHECK_NANOS)
                                    && consumerGone(reconnects, now)) {
                                closeQuietly(intake);
                                intake = null;
                                consumer = recover(consumer);
                            }
                        }
                    }
                } catch (JetStreamStatusCheckedException e) {
                    LOG.log(System.Logger.Level.WARNING, "Pull from {0} ended: {1}", spec.describe(), e.toString());
                    closeQuietly(intake);
                    intake = null;
                    consumer = recover(consumer);
                } catch (IOException | JetStreamApiException | IllegalStateException e) {
                    LOG.log(System.Logger.Level.DEBUG, "Pull from {0} failed: {1}", spec.describe(), e.toString());
                    closeQuietly(intake);
                    intake = null;
                    Thread.sleep(reconnectWait.toMillis());
                    consumer = recover(consumer);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "The pull loop of " + spec.describe() + " failed; the subscription "
                    + "receives nothing more", e);
        } finally {
            if (intake != null) {
                park(intake);
            }
            handBackHeld();
        }
    }

    /**
     * Starts pulling: jnats keeps pull requests of up to {@link #batch} events outstanding, asking for more once a
     * quarter of them was taken, so at most {@code batch} events are in its buffer or on their way.
     */
    private IterableConsumer open(ConsumerContext consumer) throws IOException, JetStreamApiException {
        return consumer.iterate(ConsumeOptions.builder().batchSize(batch).expiresIn(pullExpiresMs).build());
    }

    /** Turns a message into a delivery and offers it; the caller made sure no event is held. */
    private void accept(Message msg) {
        NatsDelivery delivery;
        try {
            Event event = HeaderCodec.decode(msg, spec.topic(), true);
            delivery = new NatsDelivery(msg, event, outstanding, tick);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "Message " + msg.metaData().streamSequence() + " of stream "
                    + stream + " cannot be read as an event and is terminated (not redelivered)", e);
            msg.term();
            return;
        }
        long sequence = delivery.streamSequence();
        if (sequence > lastSeenSequence) {
            lastSeenSequence = sequence;
        }
        if (stopped) {
            delivery.handBack();
        } else if (paused || !held.isEmpty() || !sink.offer(delivery)) {
            held.add(delivery);
        }
    }

    /**
     * Stops {@code intake} (no new pull requests) and moves what it buffered or still receives for the outstanding
     * requests (until they expire) to the held events, where they get in-progress; then closes it.
     */
    private void park(IterableConsumer intake) {
        try {
            intake.stop();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pullExpiresMs + 500);
            while (!intake.isFinished() && System.nanoTime() < deadline) {
                Message msg = intake.nextMessage(DRAIN_POLL);
                if (msg != null) {
                    takeOver(msg);
                }
                if (!paused && !stopped) {
                    offerHeld();    // keep the sink fed meanwhile, in order
                }
            }
            for (Message msg; (msg = intake.nextMessage(NO_WAIT)) != null; ) {
                takeOver(msg);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (JetStreamStatusCheckedException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "Stopping the intake of {0}: {1}", spec.describe(), e.toString());
        } finally {
            closeQuietly(intake);
        }
    }

    private void takeOver(Message msg) {
        NatsDelivery delivery;
        try {
            delivery = new NatsDelivery(msg, HeaderCodec.decode(msg, spec.topic(), true), outstanding, tick);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "Message " + msg.metaData().streamSequence() + " of stream "
                    + stream + " cannot be read as an event and is terminated (not redelivered)", e);
            msg.term();
            return;
        }
        lastSeenSequence = Math.max(lastSeenSequence, delivery.streamSequence());
        held.add(delivery);
    }

    private void closeQuietly(IterableConsumer intake) {
        if (intake == null) {
            return;
        }
        try {
            intake.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "Closing the intake of {0} failed: {1}", spec.describe(),
                    e.toString());
        }
    }

    /** Offers held events in order; returns false when one was refused again. */
    private boolean offerHeld() {
        while (!held.isEmpty()) {
            if (!sink.offer(held.peek())) {
                return false;
            }
            held.poll();
        }
        return true;
    }

    private void awaitResume() throws InterruptedException {
        synchronized (pauseLock) {
            while (paused && !stopped) {
                pauseLock.wait(fetchWait.toMillis());
            }
        }
    }

    private void handBackHeld() {
        for (NatsDelivery d; (d = held.poll()) != null; ) {
            d.handBack();
        }
    }

    private void keepAlive() {
        long now = tick + 1;
        tick = now;     // only this (single) timer task writes it
        for (NatsDelivery d : outstanding) {
            d.keepAlive(now);
        }
    }

    /**
     * Creates the consumer, or binds to the group's existing one. {@code resumeAt} (after the consumer disappeared)
     * makes a new consumer start at that stream sequence.
     */
    private ConsumerContext setUp(Long resumeAt) {
        try {
            int wanted = config.values().getInt(NatsConfig.MAX_ACK_PENDING_CONFIG);
            long maxAckPending = wanted > 0 ? wanted : Math.max(1, spec.maxInFlight());
            ConsumerInfo existing = spec.group() == null ? null : info();
            if (existing != null) {
                ConsumerConfiguration cc = existing.getConsumerConfiguration();
                String filter = cc.getFilterSubject();
                if (filter != null && !filter.isEmpty() && !filter.equals(subject)) {
                    throw new BusFatalException("Consumer " + consumerName + " of stream " + stream + " (group "
                            + spec.group() + ") exists with filter subject " + filter + ", not " + subject + "; use "
                            + "another group name or change " + NatsConfig.CONSUMER_NAME_CONFIG);
                }
                boolean raise = wanted > 0 ? cc.getMaxAckPending() != wanted : cc.getMaxAckPending() < maxAckPending;
                if (raise || !config.ackWait().equals(cc.getAckWait())) {
                    try {
                        jsm.addOrUpdateConsumer(stream, ConsumerConfiguration.builder(cc)
                                .maxAckPending(raise ? maxAckPending : cc.getMaxAckPending())
                                .ackWait(config.ackWait()).build());
                    } catch (JetStreamApiException e) {
                        LOG.log(System.Logger.Level.INFO, "Consumer {0} kept its settings (update refused: {1})",
                                consumerName, e.getErrorDescription());
                    }
                }
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
                    b.durable(consumerName);
                } else {
                    b.name(consumerName).inactiveThreshold(
                            config.values().getDuration(NatsConfig.INACTIVE_THRESHOLD_CONFIG));
                }
                jsm.addOrUpdateConsumer(stream, b.build());
            }
            return connection.getConsumerContext(stream, consumerName);
        } catch (JetStreamApiException e) {
            throw new BusFatalException("JetStream refused consumer " + consumerName + " on stream " + stream + " for "
                    + spec.describe() + " (error " + e.getApiErrorCode() + ": " + e.getErrorDescription() + ")", e);
        } catch (IOException | IllegalStateException e) {
            throw new BusRetriableException("Could not set up consumer " + consumerName + " on stream " + stream
                    + " for " + spec.describe() + ": " + e.getMessage() + " (servers "
                    + NatsConnector.describeServers(config) + ")", e);
        }
    }

    /** Whether the consumer is gone; remembers when (and after how many reconnects) that was checked. */
    private boolean consumerGone(long reconnects, long now) throws IOException, JetStreamApiException {
        boolean gone = info() == null;
        checkedReconnects = reconnects;
        lastConsumerCheck = now;
        return gone;
    }

    /** The consumer's info, or null when it (or its whole stream) no longer exists. */
    private ConsumerInfo info() throws IOException, JetStreamApiException {
        try {
            return jsm.getConsumerInfo(stream, consumerName);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == CONSUMER_NOT_FOUND || e.getApiErrorCode() == StreamRegistry.STREAM_NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    /**
     * After a failed pull: if the consumer is gone, creates it again from the lowest sequence not settled here;
     * if the server is unreachable, keeps the old context (jnats reconnects on its own).
     */
    private ConsumerContext recover(ConsumerContext current) throws InterruptedException {
        while (!stopped) {
            try {
                if (info() != null) {
                    return current;
                }
                // The stream may be gone too (memory storage across a restart): resolve it again, re-creating it
                // when provisioning is on.
                streams.forget(subject);
                stream = streams.streamFor(spec.topic(), subject);
                long resumeAt = outstanding.stream().mapToLong(NatsDelivery::streamSequence).min()
                        .orElse(lastSeenSequence + 1);
                if (jsm.getStreamInfo(stream).getStreamState().getLastSequence() < resumeAt - 1) {
                    resumeAt = 1;   // a new stream (its sequences started over): everything in it is new to us
                }
                LOG.log(System.Logger.Level.WARNING, "Consumer {0} of {1} is gone; creating it again from stream "
                        + "sequence {2}", consumerName, spec.describe(), resumeAt);
                return setUp(lastSeenSequence == 0 && outstanding.isEmpty() ? null : resumeAt);
            } catch (IOException | JetStreamApiException | BusRetriableException | IllegalStateException e) {
                LOG.log(System.Logger.Level.DEBUG, "Consumer {0} not reachable yet: {1}", consumerName, e.toString());
                Thread.sleep(reconnectWait.toMillis());
            }
        }
        return current;
    }
}
