package io.relaybus.nats;

import io.relaybus.nats.support.HeaderCodec;
import io.relaybus.nats.support.Names;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamStatusException;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.relaybus.api.BusException;
import io.relaybus.api.BusFatalException;
import io.relaybus.api.BusRetriableException;
import io.relaybus.api.Event;
import io.relaybus.spi.DeliverySink;
import io.relaybus.spi.SubscriptionSpec;
import io.relaybus.spi.support.IntakeQueue;
import io.relaybus.spi.support.SwitchedSubscription;
import io.relaybus.spi.support.UrlCredentials;

import java.io.IOException;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * A JetStream pull consumer feeding the runtime's {@link DeliverySink}, with one pull-loop thread.
 *
 * <p><b>Consumer.</b> A group is a durable consumer (named by {@code nats.consumer.name}) filtered on the topic's
 * subject: its members pull from it, so each event goes to one member, and a group that exists resumes from its
 * acknowledged position ({@code startFrom} applies to new consumers only). A subscriber without a group gets a
 * consumer of its own, deleted on close and, if the process dies, by the server after
 * {@code nats.consumer.inactive.threshold.ms}. Its settings are {@link DurableConsumer}'s.
 *
 * <p><b>Loop (pipelined).</b> The loop reads a {@link PullPipeline}: pull requests kept outstanding on one jnats pull
 * subscription (each expiring after {@code max(1 s, nats.fetch.max.wait.ms)}) so that up to {@code batch =
 * min(nats.fetch.max.messages, maxInFlight)} events are on their way or buffered in the client, asking for more (no
 * more than the sink has room for) once a quarter of them was taken; the next events are thus already in the client
 * when the loop wants them, instead of one synchronous pull at a time. Events are taken from the client one by one and
 * offered at once. A refused event is held, and offered again, first and in order, once
 * {@link DeliverySink#awaitCapacity} reports room; while one is held nothing more is taken from the client and no
 * more is asked for. Disconnections end the outstanding pulls on the server; they are replaced when they expire. If
 * the consumer disappeared (deleted, or expired or lost with a memory stream during an outage) it is created again
 * from the lowest stream sequence this subscriber has not settled, so nothing it received unsettled is skipped.
 *
 * <p><b>Restarts.</b> When pulling fails (the consumer deleted under a pull, JetStream not answering, any error of
 * the loop itself) the loop restarts: it parks (below), waits {@code nats.reconnect.wait.ms}, doubling up to 30 s,
 * checks whether the consumer is still there (creating it again, and subscribing again, only when it is not) and
 * pulls again. Meanwhile the subscription reports DEGRADED ({@link DeliverySink#intakeDegraded}), and UP again once a
 * pull worked ({@link DeliverySink#intakeRecovered}).
 * Failures while the connection is down are not counted (the client reconnects forever); after
 * {@code nats.intake.max.restarts} failed restarts in a row while connected, or at once when no retry can help (the
 * consumer cannot be created again: JetStream refused it, or no stream stores the subject and provisioning is off),
 * the loop ends and reports {@link DeliverySink#intakeFailed}: the runtime then stops the subscription visibly.
 *
 * <p><b>Prefetch and ack wait.</b> Events in the client's buffer count against {@code max_ack_pending} and their ack
 * wait runs, but they get no {@code in-progress} until the loop took them. The buffer holds at most
 * {@code batch} events (and, with the derived {@code max_ack_pending}, only what the sink's free room leaves of it), so
 * a buffered event waits at most about {@code batch / handler rate} before the loop takes it: 512 events at 50 events/s
 * is 10 s, a third of the default ack wait; subscribers with slower handlers should lower
 * {@code nats.fetch.max.messages} (or raise the ack wait). As a safety net, when the sink refused an event and has not
 * had room for a whole batch since, for a quarter of the ack wait, the loop parks: it stops asking for events and moves
 * what the client buffered or still receives until the open pull requests ended (at most {@code batch} events, within
 * the pull expiry and {@link PullPipeline#GRACE}) behind the held ones, where they get {@code in-progress} like every
 * held event; pulling resumes when the held events were accepted. Pause parks the same way, and so does
 * {@link #stopIntake()} (the parked events are then handed back with {@code nak}). The jnats subscription stays open
 * while parked, so nothing that arrives is dropped; only {@link #close()} (or a consumer created again) ends it.
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
 * and hands held events back, and those the open pull requests still bring ({@code nak}, no delay, so another member
 * gets them at once); {@link #close()} waits for the loop, hands back what the runtime accepted but never settled
 * (handlers it gave up waiting for), and deletes a group-less consumer.
 */
final class PullConsumerSubscription extends SwitchedSubscription {

    private static final Logger LOG = LoggerFactory.getLogger(PullConsumerSubscription.class);
    private static final long MAX_BACKOFF_MS = 30_000;
    private static final long POLL_WAIT_MS = 100;
    private static final long IDLE_RECHECK_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** The shortest pull request expiry: shorter ones would only replace idle requests more often. */
    private static final long MIN_EXPIRES_MS = 1000;
    /** jnats: a null timeout takes a buffered message without waiting (zero would wait forever). */
    private static final Duration NO_WAIT = null;
    private static final Duration DRAIN_POLL = Duration.ofMillis(50);

    private final Connection connection;
    private final SubscriptionSpec spec;
    private final DeliverySink sink;
    private final DurableConsumer consumer;
    private final Duration fetchWait;
    private final int batch;
    private final long pullExpiresMs;
    private final Duration pollWait;
    private final long stallNanos;
    private final long idleCheckNanos;
    private final Duration reconnectWait;
    private final int maxRestarts;
    private final long recoveredAfterNanos;
    private final Set<NatsDelivery> outstanding = ConcurrentHashMap.newKeySet();
    /** Deliveries taken from the client and not accepted by the sink yet, in order (the loop thread's own). */
    private final IntakeQueue<NatsDelivery> held;
    private final Thread loop;
    private final ScheduledFuture<?> keepAlive;
    private volatile long tick;
    /** Pulls still to fail, for tests of the restarts ({@link #failPulls}). */
    private final java.util.concurrent.atomic.AtomicInteger injectedFailures = new java.util.concurrent.atomic.AtomicInteger();
    /** Reconnects when the consumer was last looked for; -1: not yet (a deletion can beat the first pull request). */
    private long checkedReconnects = -1;
    private long lastConsumerCheck = System.nanoTime();
    private long lastSeenSequence;
    // The loop thread's: the client, the intake, whether the sink was told of a restart, and since when the current
    // pull runs
    private JetStream js;
    private PullPipeline intake;
    private boolean degraded;
    private int failures;           // restarts in a row while connected; a recovery ends the row
    private long pullingSince;

    PullConsumerSubscription(Connection connection, JetStreamManagement jsm, StreamRegistry streams, NatsConfig config,
                             String clientId, SubscriptionSpec spec, DeliverySink sink,
                             ScheduledExecutorService timer) {
        this(connection, config, spec, sink, timer, new DurableConsumer(connection, jsm, streams, config, spec,
                config.subjectOf(spec.topic()), spec.group() != null ? config.consumerNameFor(spec.group(),
                spec.topic()) : Names.sanitize(clientId + "_" + UUID.randomUUID().toString().substring(0, 8))));
    }

    /** A subscription pulling from {@code consumer}, which decides subject, name, stream and start. */
    PullConsumerSubscription(Connection connection, NatsConfig config, SubscriptionSpec spec, DeliverySink sink,
                             ScheduledExecutorService timer, DurableConsumer consumer) {
        this.connection = connection;
        this.spec = spec;
        this.sink = sink;
        this.held = new IntakeQueue<>(sink);
        this.consumer = consumer;
        this.fetchWait = config.values().getDuration(NatsConfig.FETCH_MAX_WAIT_CONFIG);
        int fetchMax = config.values().getInt(NatsConfig.FETCH_MAX_MESSAGES_CONFIG);
        this.batch = Math.max(1, Math.min(fetchMax, spec.maxInFlight()));
        this.pullExpiresMs = Math.max(MIN_EXPIRES_MS, fetchWait.toMillis());
        this.pollWait = Duration.ofMillis(Math.min(POLL_WAIT_MS, fetchWait.toMillis()));
        this.stallNanos = TimeUnit.MILLISECONDS.toNanos(config.ackWait().toMillis() / 4);
        this.idleCheckNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(2000, 2 * pullExpiresMs));
        this.reconnectWait = config.values().getDuration(NatsConfig.RECONNECT_WAIT_CONFIG);
        this.maxRestarts = config.values().getInt(NatsConfig.INTAKE_MAX_RESTARTS_CONFIG);
        this.recoveredAfterNanos = TimeUnit.MILLISECONDS.toNanos(2 * pullExpiresMs);
        long interval = Math.max(100, config.ackWait().toMillis() / 3);
        this.keepAlive = timer.scheduleWithFixedDelay(this::keepAlive, interval, interval, TimeUnit.MILLISECONDS);
        this.loop = new Thread(this::run, "relaybus-nats-pull-" + spec.describe());
        loop.setDaemon(true);
        loop.start();
    }

    /** For tests: the next {@code count} pulls fail as if JetStream had refused them. */
    void failPulls(int count) {
        injectedFailures.set(count);
    }

    /** The consumer's {@code num_pending}, asked from the server. */
    @Override
    public OptionalLong lag() {
        return consumer.pending();
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
        // Accepted but never settled: the runtime gave up waiting for their handlers. Handing them back now lets the
        // group have them at once instead of after the ack wait.
        for (NatsDelivery d : outstanding) {
            d.handBack();
        }
        consumer.deleteIfOwn();
    }

    private void run() {
        try {
            consumer.create();
            js = connection.jetStream();
            intake = open();
        } catch (BusException e) {
            ready().completeExceptionally(e);
            return;
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            ready().completeExceptionally(new BusRetriableException("Subscribing to " + spec.describe() + " failed: "
                    + e, e));
            return;
        }
        ready().complete(null);
        pullingSince = System.nanoTime();
        Throwable failure = null;
        boolean restart = false;
        try {
            while (!stopped()) {
                try {
                    if (restart) {
                        restart();
                        pullingSince = System.nanoTime();
                        restart = false;
                    }
                    pull();
                } catch (BusFatalException e) {
                    failure = e;
                    break;
                } catch (IOException | JetStreamApiException | RuntimeException e) {
                    restart = true;
                    boolean connected = connection.getStatus() == Connection.Status.CONNECTED;
                    if (connected && ++failures > maxRestarts) {
                        failure = e;
                        break;
                    }
                    long backoff = backoff(connected ? failures : 1);
                    String reason = "pulling from consumer " + consumer.name() + " failed (" + UrlCredentials.hideAll(
                            e.toString()) + "); restarting in " + backoff + " ms" + (connected ? " (restart " + failures
                            + " of " + NatsConfig.INTAKE_MAX_RESTARTS_CONFIG + "=" + maxRestarts + ")"
                            : " once the connection is back");
                    LOG.atLevel(degraded ? Level.DEBUG : Level.WARN).log("{}: {}",
                            spec.describe(), reason);
                    degraded = true;
                    sink.intakeDegraded(reason);
                    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoff);
                    park();     // what the open pull requests still bring is kept alive meanwhile
                    sleep(TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime()));
                    continue;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            park();
            closeQuietly(intake);
            handBackHeld();
        }
        if (failure != null && !stopped()) {
            sink.intakeFailed(new BusFatalException("The intake of " + spec.describe() + " (consumer "
                    + consumer.name() + " of stream " + consumer.stream() + ") cannot go on: " + failure.getMessage(),
                    failure));
        }
    }

    /** The pause before restart {@code n} (1-based): the reconnect wait, doubling, at most 30 s. */
    private long backoff(int n) {
        long base = Math.max(1, reconnectWait.toMillis());
        return Math.min(MAX_BACKOFF_MS, base << Math.min(20, n - 1));
    }

    /**
     * After a failed pull: keeps the intake when the consumer is still there and the subscription open, else
     * subscribes again, to a consumer created again from the lowest unsettled sequence when it is gone.
     */
    private void restart() throws IOException, JetStreamApiException {
        boolean gone = consumer.gone();
        if (!gone && intake != null && intake.isActive()) {
            return;
        }
        closeQuietly(intake);
        intake = null;
        if (gone) {
            consumer.recreate(resumeAt());
        }
        intake = open();
    }

    /** Where a consumer created again starts: the lowest sequence not settled here; null when nothing was seen. */
    private Long resumeAt() {
        if (lastSeenSequence == 0 && outstanding.isEmpty()) {
            return null;
        }
        return outstanding.stream().mapToLong(NatsDelivery::streamSequence).min().orElse(lastSeenSequence + 1);
    }

    /** Tells the sink the intake works again once a pull went through after a restart. */
    private void recovered(boolean received) {
        if (degraded && (received || System.nanoTime() - pullingSince > recoveredAfterNanos)) {
            degraded = false;
            failures = 0;
            LOG.info("{}: pulling again", spec.describe());
            sink.intakeRecovered();
        }
    }

    /**
     * Pulls until the intake is stopped (then returns) or pulling fails (then throws, for {@link #run} to restart).
     */
    private void pull() throws IOException, JetStreamApiException, InterruptedException {
        // nanoTime of the first refusal since the sink last had room for a whole batch; 0: none. While it is set the
        // client's prefetch may be waiting for room (without in-progress): after a quarter of the ack wait it is parked.
        long blockedSince = 0;
        long idleSince = 0;         // nanoTime when the intake last returned nothing after a message; 0: not idle
        while (!stopped()) {
            if (paused()) {
                park();
                awaitResumed(fetchWait.toMillis());
                continue;
            }
            if (!held.offerHeld()) {
                long now = System.nanoTime();
                if (blockedSince == 0) {
                    blockedSince = now;
                } else if (now - blockedSince > stallNanos) {
                    // The client's prefetch gets no in-progress: take it over before its ack wait runs out.
                    // (Also when the sink accepts slowly but steadily: only room for a batch clears the mark.)
                    park();
                    blockedSince = now;
                }
                held.awaitRoom(fetchWait.toMillis(), TimeUnit.MILLISECONDS);
                continue;
            }
            if (blockedSince != 0 && sink.remainingCapacity() >= batch) {
                blockedSince = 0;
            }
            intake.startPulling();
            if (injectedFailures.get() > 0 && injectedFailures.getAndDecrement() > 0) {
                throw new IllegalStateException("injected pull failure");
            }
            Message msg = intake.next(pollWait);
            if (msg != null) {
                idleSince = 0;
                recovered(true);
                accept(msg);
                // Hot path: take what the client already buffered without going back through the loop's
                // pause/held checks, while the sink accepts.
                while (!held.isHolding() && !paused() && !stopped()
                        && (msg = intake.next(NO_WAIT)) != null) {
                    accept(msg);
                }
            } else {
                recovered(false);
                long now = System.nanoTime();
                if (idleSince == 0) {
                    idleSince = now;
                } else if (now - idleSince > idleCheckNanos) {
                    idleSince = now;
                    // A consumer that is gone (lost with a memory stream across a restart) answers no pull request,
                    // and a deletion while none is open goes unnoticed: look after the start and each reconnect,
                    // else now and then.
                    long reconnects = connection.getStatistics().getReconnects();
                    if (connection.getStatus() == Connection.Status.CONNECTED
                            && (reconnects != checkedReconnects || now - lastConsumerCheck > IDLE_RECHECK_NANOS)) {
                        checkedReconnects = reconnects;
                        lastConsumerCheck = now;
                        if (consumer.gone()) {
                            closeQuietly(intake);
                            intake = null;
                            consumer.recreate(resumeAt());
                            intake = open();
                        }
                    }
                }
            }
        }
    }

    /** Subscribes to the consumer and starts pulling (see {@link PullPipeline}). */
    private PullPipeline open() throws IOException, JetStreamApiException {
        return new PullPipeline(js.subscribe(null, PullSubscribeOptions.fastBind(consumer.stream(), consumer.name())),
                batch, Duration.ofMillis(pullExpiresMs), sink::remainingCapacity);
    }

    /** Turns a message into a delivery and offers it; the caller made sure no event is held. */
    private void accept(Message msg) {
        NatsDelivery delivery;
        try {
            Event event = HeaderCodec.decode(msg, spec.topic(), true);
            delivery = new NatsDelivery(msg, event, outstanding, tick);
        } catch (RuntimeException e) {
            LOG.error("Message " + msg.metaData().streamSequence() + " of stream "
                    + consumer.stream() + " cannot be read as an event and is terminated (not redelivered)", e);
            msg.term();
            return;
        }
        long sequence = delivery.streamSequence();
        if (sequence > lastSeenSequence) {
            lastSeenSequence = sequence;
        }
        if (stopped()) {
            delivery.handBack();
        } else if (paused()) {
            held.hold(delivery);
        } else {
            held.offer(delivery);   // held behind what is held already, or when refused
        }
    }

    /**
     * Stops asking for events and moves what the client buffered or the open pull requests still bring to the held
     * events, where they get in-progress, until no request can bring more; feeds the sink meanwhile unless paused or
     * stopped. The subscription stays open: whatever arrives later stays queued for the loop.
     */
    private void park() {
        if (intake == null) {
            return;
        }
        intake.stopPulling();
        try {
            while (true) {
                boolean ended = intake.ended();     // then only what is already queued is left to take
                Message msg;
                try {
                    msg = intake.next(ended ? NO_WAIT : DRAIN_POLL);
                } catch (JetStreamStatusException e) {
                    // A request ended with an error (the consumer deleted, ...); the others still bring theirs.
                    LOG.debug("Parking the intake of {}: {}", spec.describe(), e.toString());
                    continue;
                }
                if (msg != null) {
                    takeOver(msg);
                } else if (ended) {
                    return;
                }
                if (!paused() && !stopped()) {
                    held.offerHeld();    // keep the sink fed meanwhile, in order
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // The subscription or connection is closed: nothing more can be taken from it.
            LOG.debug("Parking the intake of {}: {}", spec.describe(), e.toString());
        }
    }

    private void takeOver(Message msg) {
        NatsDelivery delivery;
        try {
            delivery = new NatsDelivery(msg, HeaderCodec.decode(msg, spec.topic(), true), outstanding,
                    tick);
        } catch (RuntimeException e) {
            LOG.error("Message " + msg.metaData().streamSequence() + " of stream "
                    + consumer.stream() + " cannot be read as an event and is terminated (not redelivered)", e);
            msg.term();
            return;
        }
        lastSeenSequence = Math.max(lastSeenSequence, delivery.streamSequence());
        held.hold(delivery);
    }

    private void closeQuietly(PullPipeline intake) {
        if (intake == null) {
            return;
        }
        try {
            intake.close();
        } catch (RuntimeException e) {
            LOG.debug("Closing the intake of {} failed: {}", spec.describe(),
                    e.toString());
        }
    }

    private void handBackHeld() {
        held.handBack(NatsDelivery::handBack);
    }

    private void keepAlive() {
        long now = tick + 1;
        tick = now;     // only this (single) timer task writes it
        for (NatsDelivery d : outstanding) {
            d.keepAlive(now);
        }
    }
}
