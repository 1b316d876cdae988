package io.relaybus.nats;

import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
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
 * <p><b>Loop.</b> Each pull asks for at most {@code min(nats.fetch.max.messages, sink.remainingCapacity())} events,
 * so a member never takes more than it can hold; events are offered as they arrive. A refused event is held, in
 * order with any that arrive after it, and offered again once {@link DeliverySink#awaitCapacity} reports room; no
 * new pull is made meanwhile. Disconnections end the current pull; the loop pulls again once jnats reconnected.
 * If the consumer disappeared (deleted, or expired during a long outage) it is created again from the lowest stream
 * sequence this subscriber has not settled, so nothing it received unsettled is skipped.
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
 * <p>Threading: the loop thread owns the consumer and the held events; settle calls come from runtime workers; the
 * keep-alive runs on the transport's timer. Lifecycle: started by the constructor; {@link #stopIntake()} ends pulling
 * and hands held events back ({@code nak}); {@link #close()} waits for the loop and deletes a group-less consumer.
 */
final class PullConsumerSubscription implements TransportSubscription {

    private static final System.Logger LOG = System.getLogger(PullConsumerSubscription.class.getName());
    private static final int CONSUMER_NOT_FOUND = 10014;
    private static final long MIN_PULL_WAIT_MS = 5;

    private final Connection connection;
    private final JetStreamManagement jsm;
    private final StreamRegistry streams;
    private final NatsConfig config;
    private final SubscriptionSpec spec;
    private final DeliverySink sink;
    private final String subject;
    private final String consumerName;
    private final Duration fetchWait;
    private final int fetchMax;
    private final int minPull;
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
        this.fetchMax = config.values().getInt(NatsConfig.FETCH_MAX_MESSAGES_CONFIG);
        this.minPull = Math.max(1, Math.min(fetchMax, spec.maxInFlight()) / 4);
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
            loop.join(fetchWait.toMillis() * 2 + 1000);
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
        try {
            stream = streams.streamFor(spec.topic(), subject);
            consumer = setUp(null);
        } catch (BusException e) {
            ready.completeExceptionally(e);
            return;
        } catch (RuntimeException e) {
            ready.completeExceptionally(new BusRetriableException("Subscribing to " + spec.describe() + " failed: "
                    + e, e));
            return;
        }
        ready.complete(null);
        try {
            while (!stopped) {
                if (paused) {
                    awaitResume();
                    continue;
                }
                if (!offerHeld()) {
                    sink.awaitCapacity(fetchWait.toMillis(), TimeUnit.MILLISECONDS);
                    continue;
                }
                int room = Math.min(fetchMax, sink.remainingCapacity());
                if (room < minPull) {
                    // Tiny pulls cost a round trip each: wait until a quarter of a full pull fits. The sink signals
                    // room only after a refused offer, so without one this is a short poll, never a busy spin.
                    long start = System.nanoTime();
                    sink.awaitCapacity(MIN_PULL_WAIT_MS, TimeUnit.MILLISECONDS);
                    if (sink.remainingCapacity() < minPull) {
                        long left = TimeUnit.MILLISECONDS.toNanos(MIN_PULL_WAIT_MS) - (System.nanoTime() - start);
                        if (left > 0) {
                            TimeUnit.NANOSECONDS.sleep(left);
                        }
                        continue;
                    }
                    room = Math.min(fetchMax, sink.remainingCapacity());
                }
                try {
                    pull(consumer, room);
                } catch (JetStreamStatusCheckedException e) {
                    LOG.log(System.Logger.Level.WARNING, "Pull from {0} ended: {1}", spec.describe(), e.toString());
                    consumer = recover(consumer);
                } catch (IOException | JetStreamApiException | IllegalStateException e) {
                    LOG.log(System.Logger.Level.DEBUG, "Pull from {0} failed: {1}", spec.describe(), e.toString());
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
            handBackHeld();
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

    private void pull(ConsumerContext consumer, int count)
            throws IOException, JetStreamApiException, JetStreamStatusCheckedException, InterruptedException {
        FetchConsumer fetch = consumer.fetch(FetchConsumeOptions.builder().maxMessages(count)
                .expiresIn(fetchWait.toMillis()).build());
        try {
            for (Message msg = fetch.nextMessage(); msg != null; msg = fetch.nextMessage()) {
                NatsDelivery delivery;
                try {
                    Event event = HeaderCodec.decode(msg, spec.topic(), true);
                    delivery = new NatsDelivery(msg, event, outstanding);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "Message " + msg.metaData().streamSequence() + " of stream "
                            + stream + " cannot be read as an event and is terminated (not redelivered)", e);
                    msg.term();
                    continue;
                }
                lastSeenSequence = Math.max(lastSeenSequence, delivery.streamSequence());
                if (stopped) {
                    delivery.handBack();
                } else if (paused || !held.isEmpty() || !sink.offer(delivery)) {
                    held.add(delivery);
                }
            }
        } finally {
            try {
                fetch.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.DEBUG, "Closing a pull of {0} failed: {1}", spec.describe(), e.toString());
            }
        }
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
        long now = System.nanoTime();
        long interval = TimeUnit.MILLISECONDS.toNanos(Math.max(100, config.ackWait().toMillis() / 3));
        for (NatsDelivery d : outstanding) {
            d.keepAlive(interval, now);
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
