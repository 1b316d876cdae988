package io.relaybus.nats;

import io.relaybus.nats.support.HeaderCodec;

import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.relaybus.api.BusException;
import io.relaybus.api.BusFatalException;
import io.relaybus.api.BusRetriableException;
import io.relaybus.api.Event;
import io.relaybus.api.PublishReceipt;
import io.relaybus.spi.config.ConfigValues;
import io.relaybus.spi.support.Batcher;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes to JetStream with {@code publishAsync}, at most {@code nats.publish.window} acknowledgements outstanding.
 *
 * <p>Path of one event: the caller resolves its stream (cached after the first use of a topic) and encodes the
 * headers; with no linger (the default) the caller's thread then sends it itself, else it is added to the shared
 * {@link Batcher} and the batch's flusher (the thread whose add filled the batch, or the batcher's linger thread)
 * sends it. Sending takes a window permit, waiting when the window is full (backpressure, bounded by the publish
 * timeout), and hands the message to jnats. The permit is released when jnats completes the acknowledgement
 * future, or when the publish timed out (whichever is first); the bus's future is completed on the transport's
 * callback thread.
 *
 * <p>Why the hop: jnats completes {@code publishAsync} futures on its reply dispatcher thread (the one delivering
 * every request reply of the connection), and completing a {@link CompletableFuture} runs whatever the application
 * chained onto it. Only the permit release and an executor hand-off run on the jnats thread. The callback thread
 * is one thread, so receipts complete in acknowledgement order; application callbacks should not block it.
 *
 * <p>Leader changes: while a stream has no leader (a clustered stream's leader died and its replicas elect another,
 * which takes seconds) JetStream answers a publish with "503 no responders", and an acknowledgement the dead leader
 * owed never comes. A publish answered with 503 is sent again after {@value #RESEND_BACKOFF_MS} ms, one without an
 * answer after a fifth of the publish timeout (at least 2 s), with the same {@code Nats-Msg-Id} (so an event the old
 * leader did store is stored once), until the publish timeout; only the latest attempt's failure counts. The event
 * keeps its window permit meanwhile, so the window fills, new publishes wait for room, and it drains once the new
 * leader answers.
 *
 * <p>Timeouts: a sweeper fails publishes still unacknowledged after {@code nats.publish.timeout.ms}. Thread safe.
 */
final class JetStreamPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JetStreamPublisher.class);
    /** Pause before sending again a publish that found no stream leader (503). */
    static final long RESEND_BACKOFF_MS = 250;

    private final JetStream js;
    private final StreamRegistry streams;
    private final NatsConfig config;
    private final String servers;
    private final Executor callbacks;
    /** Null with no linger: every publish is sent on its caller's thread, in the order of that thread's calls. */
    private final Batcher<Pending> batcher;
    private final int windowSize;
    private final Semaphore window;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicInteger maxOutstanding = new AtomicInteger();
    private final long timeoutNanos;
    /** After how long without an acknowledgement a publish is sent again: a fifth of the timeout, at least 2 s. */
    private final long resendAfterNanos;
    private final Queue<Pending> inFlight = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService timer;
    private volatile boolean closing;
    /** Set by {@link #close()}: publishes after it fail. */
    private volatile boolean closed;
    private final PublishPermissions permissions;

    JetStreamPublisher(JetStream js, StreamRegistry streams, NatsConfig config, String servers, String clientId,
                       Executor callbacks, ScheduledExecutorService timer, PublishPermissions permissions) {
        this.js = js;
        this.streams = streams;
        this.config = config;
        this.servers = servers;
        this.callbacks = callbacks;
        this.timer = timer;
        this.permissions = permissions;
        ConfigValues v = config.values();
        this.windowSize = config.publishWindow();
        this.window = new Semaphore(windowSize);
        this.timeoutNanos = config.publishTimeout().toNanos();
        this.resendAfterNanos = Math.max(TimeUnit.SECONDS.toNanos(2), timeoutNanos / 5);
        java.time.Duration linger = v.getDuration(NatsConfig.PUBLISH_LINGER_CONFIG);
        this.batcher = linger.isZero() ? null : new Batcher<>("nats-" + clientId,
                v.getInt(NatsConfig.PUBLISH_BATCH_SIZE_CONFIG), Long.MAX_VALUE, linger,
                p -> p.event.payload().length, this::sendAll);
        long sweep = Math.max(10, Math.min(200, config.publishTimeout().toMillis() / 10));
        timer.scheduleWithFixedDelay(this::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
        permissions.onDenied(this::failDenied);
    }

    /**
     * The server refused a publish to {@code subject}: it never acknowledges one, so the publishes waiting for that
     * subject's acknowledgement fail now (fatal), instead of timing out as if the server were slow.
     */
    private void failDenied(String subject) {
        for (Pending p : inFlight) {
            if (p.subject.equals(subject) && !p.result.isDone()) {
                release(p);
                BusFatalException error = new BusFatalException("Publishing event " + p.event.id() + " to "
                        + subject + " failed: " + PublishPermissions.advice(subject));
                callbacks.execute(() -> p.result.completeExceptionally(error));
            }
        }
    }

    /** Publishes acknowledged now, awaiting their acknowledgement: never above the window. For tests and health. */
    int outstanding() {
        return outstanding.get();
    }

    /** The highest {@link #outstanding()} seen so far. */
    int maxOutstanding() {
        return maxOutstanding.get();
    }

    CompletableFuture<PublishReceipt> publish(Event event) {
        Pending p;
        try {
            String subject = config.subjectOf(event.topic());
            streams.streamFor(event.topic(), subject);
            p = new Pending(event, subject, HeaderCodec.encode(event), System.nanoTime() + timeoutNanos);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new BusFatalException("Cannot publish event " + event.id()
                    + " to topic " + event.topic() + ": " + e.getMessage(), e));
        } catch (BusException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (batcher == null) {
            if (closed) {
                return CompletableFuture.failedFuture(new BusFatalException("The NATS transport is closed"));
            }
            send(p);
            return p.result;
        }
        try {
            batcher.add(p);
        } catch (IllegalStateException e) {
            return CompletableFuture.failedFuture(new BusFatalException("The NATS transport is closed"));
        }
        return p.result;
    }

    private void sendAll(List<Pending> batch) {
        for (Pending p : batch) {
            send(p);
        }
    }

    private void send(Pending p) {
        try {
            long wait = p.deadline - System.nanoTime();
            if (wait <= 0 || !window.tryAcquire(wait, TimeUnit.NANOSECONDS)) {
                fail(p, new BusRetriableException("Publishing event " + p.event.id() + " to " + p.subject + " timed "
                        + "out waiting for room in the publish window (" + windowSize + " unacknowledged, "
                        + NatsConfig.PUBLISH_WINDOW_CONFIG + "); the server at " + servers + " is slow or unreachable"));
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(p, new BusRetriableException("Interrupted while waiting for room in the publish window"));
            return;
        }
        int now = outstanding.incrementAndGet();
        if (now > maxOutstanding.get()) {
            maxOutstanding.accumulateAndGet(now, Math::max);
        }
        inFlight.add(p);
        transmit(p);
    }

    /** Hands {@code p} (holding a window permit) to jnats; again after a leader change (see the class comment). */
    private void transmit(Pending p) {
        if (p.settled()) {
            return;     // settled (acknowledged, failed or timed out) while waiting to be sent again
        }
        int attempt = (int) ATTEMPTS.getAndAdd(p, 1) + 1;
        p.sentAt = System.nanoTime();
        CompletableFuture<PublishAck> ack;
        try {
            ack = js.publishAsync(p.subject, p.headers, p.event.payload());
        } catch (RuntimeException e) {
            release(p);
            fail(p, translate(p, e));
            return;
        }
        ack.whenComplete((a, error) -> {
            // On jnats's reply thread: only the release, a resend's scheduling and the hand-off happen here.
            if (error != null && attempt != p.attempts) {
                return;     // a later attempt is under way; it decides
            }
            if (error != null && worthResending(p, error)) {
                try {
                    timer.schedule(() -> transmit(p), RESEND_BACKOFF_MS, TimeUnit.MILLISECONDS);
                    return;
                } catch (java.util.concurrent.RejectedExecutionException closed) {
                    // the transport is closing: fail it below
                }
            }
            if (!release(p)) {
                return;     // settled already: by another attempt, or timed out
            }
            p.ack = a;
            p.error = error;
            callbacks.execute(p);     // Pending.run completes the bus's future there
        });
    }

    /**
     * Whether {@code error} may go away by itself soon (no stream leader yet, or an acknowledgement lost with a dead
     * server) and the publish timeout leaves room for another attempt.
     */
    private boolean worthResending(Pending p, Throwable error) {
        if (closing || p.result.isDone()
                || p.deadline - System.nanoTime() <= TimeUnit.MILLISECONDS.toNanos(RESEND_BACKOFF_MS)) {
            return false;
        }
        if (permissions.denied(p.subject)) {
            return false;
        }
        Throwable cause = unwrap(error);
        if (cause instanceof JetStreamApiException api) {
            // the cluster busy electing a leader; not 10023 (a full stream does not empty itself in seconds)
            return TRANSIENT_API_ERRORS.contains(api.getApiErrorCode()) && api.getApiErrorCode() != 10023;
        }
        return cause instanceof CancellationException || cause instanceof TimeoutException
                || String.valueOf(cause.getMessage()).contains("503");
    }

    /**
     * Returns the window permit of {@code p}: once, on its acknowledgement, its failure or its timeout; false when it
     * was returned already (the publish is settled).
     */
    private boolean release(Pending p) {
        if (PERMIT_RETURNED.compareAndSet(p, 0, 1)) {
            outstanding.decrementAndGet();
            window.release();
            return true;
        }
        return false;
    }

    private void fail(Pending p, BusException error) {
        callbacks.execute(() -> p.result.completeExceptionally(error));
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause.getClass() == RuntimeException.class)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private BusException translate(Pending p, Throwable error) {
        Throwable cause = unwrap(error);
        if (permissions.denied(p.subject)) {
            return new BusFatalException("Publishing event " + p.event.id() + " to " + p.subject + " failed: "
                    + PublishPermissions.advice(p.subject), cause);
        }
        if (cause instanceof CancellationException || cause instanceof TimeoutException) {
            return timeout(p);
        }
        BusException classified = classify("Publishing event " + p.event.id() + " to " + p.subject, cause, servers);
        if (classified instanceof BusRetriableException && String.valueOf(cause.getMessage()).contains("503")) {
            streams.forget(p.subject);     // the stream may be gone: look it up again next time
        }
        return classified;
    }

    /** JetStream API errors a retry can get past: the cluster or its leader unavailable, a full stream. */
    private static final java.util.Set<Integer> TRANSIENT_API_ERRORS = java.util.Set.of(
            10008,      // JetStream system temporarily unavailable
            10009,      // cluster can not handle request (leader election)
            10023,      // insufficient resources
            10004);     // cluster incomplete results

    /**
     * Fatal when publishing again cannot help (the message is larger than the server or stream allows, JetStream
     * refused it for good), retriable otherwise (no responders while a stream leader is elected or the server
     * restarts, timeouts, a full stream with discard=new, anything unrecognised).
     */
    static BusException classify(String what, Throwable cause, String servers) {
        if (cause instanceof JetStreamApiException) {
            JetStreamApiException api = (JetStreamApiException) cause;
            String text = what + " was refused by JetStream (error " + api.getApiErrorCode() + ": "
                    + api.getErrorDescription() + ")";
            String description = String.valueOf(api.getErrorDescription()).toLowerCase(java.util.Locale.ROOT);
            if (TRANSIENT_API_ERRORS.contains(api.getApiErrorCode()) || api.getErrorCode() == 503
                    || description.contains("maximum messages") || description.contains("maximum bytes")
                    || description.contains("temporarily")) {
                return new BusRetriableException(text + "; retrying may succeed", cause);
            }
            return new BusFatalException(text, cause);
        }
        if (cause instanceof IllegalArgumentException) {
            // jnats refuses what the server would refuse: a payload above its max_payload, an invalid subject
            return new BusFatalException(what + " failed: " + cause.getMessage(), cause);
        }
        String text = String.valueOf(cause.getMessage());
        if (text.contains("503") || text.toLowerCase(java.util.Locale.ROOT).contains("no responders")) {
            // No stream answered: JetStream is electing a leader or restarting, or the stream was deleted.
            return new BusRetriableException(what + " failed: no JetStream stream answered (" + text + "); the "
                    + "server at " + servers + " may be restarting or electing a stream leader, or the stream was "
                    + "deleted", cause);
        }
        return new BusRetriableException(what + " failed: " + cause + " (servers " + servers + ")", cause);
    }

    private BusRetriableException timeout(Pending p) {
        return new BusRetriableException("No acknowledgement from JetStream for event " + p.event.id() + " on "
                + p.subject + " within " + config.publishTimeout().toMillis() + " ms ("
                + NatsConfig.PUBLISH_TIMEOUT_CONFIG + "); the server at " + servers + " is slow or unreachable. The "
                + "event may have been stored: publishing it again with the same id stores it once");
    }

    /**
     * Fails publishes past their deadline and sends again those unacknowledged for {@link #resendAfterNanos} (an
     * acknowledgement lost with a dead server or stream leader, which jnats may never report); drops settled ones.
     */
    private void sweep() {
        long now = System.nanoTime();
        for (Iterator<Pending> it = inFlight.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.settled()) {
                it.remove();
            } else if (now - p.deadline >= 0) {
                it.remove();
                // Lost acknowledgements must not keep the window shut until jnats gives up on them too.
                if (release(p)) {
                    callbacks.execute(() -> p.result.completeExceptionally(timeout(p)));
                }
            } else if (!closing && now - p.sentAt >= resendAfterNanos) {
                transmit(p);
            }
        }
    }

    /** Sends what is batched and waits (up to the publish timeout) for outstanding acknowledgements. */
    @Override
    public void close() {
        closed = true;
        if (batcher != null) {
            batcher.close();
        }
        try {
            if (!window.tryAcquire(windowSize, timeoutNanos, TimeUnit.NANOSECONDS)) {
                LOG.warn("Closing with {} JetStream publishes still unacknowledged",
                        outstanding.get());
            } else {
                window.release(windowSize);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closing = true;     // publishes still waiting to be sent again fail now
        }
    }

    private static final VarHandle PERMIT_RETURNED;
    private static final VarHandle ATTEMPTS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            PERMIT_RETURNED = lookup.findVarHandle(Pending.class, "permitReturned", int.class);
            ATTEMPTS = lookup.findVarHandle(Pending.class, "attempts", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * One event on its way. Its state is two plain volatile fields (no atomic objects per event), and it is its own
     * completion task: the jnats thread that returned its permit sets {@link #ack} or {@link #error} and hands it to
     * the callback thread, whose queue orders those writes before {@link #run()} reads them.
     */
    private final class Pending implements Runnable {
        final Event event;
        final String subject;
        final Headers headers;
        final long deadline;
        final CompletableFuture<PublishReceipt> result = new CompletableFuture<>();
        /** 1 once the window permit was returned (the publish is settled); through {@link #PERMIT_RETURNED}. */
        volatile int permitReturned;
        /** Attempts sent so far; through {@link #ATTEMPTS}. */
        volatile int attempts;
        volatile long sentAt;
        PublishAck ack;
        Throwable error;

        Pending(Event event, String subject, Headers headers, long deadline) {
            this.event = event;
            this.subject = subject;
            this.headers = headers;
            this.deadline = deadline;
        }

        boolean settled() {
            return permitReturned != 0;
        }

        /** Completes the bus's future from the acknowledgement or error the last attempt got (callback thread). */
        @Override
        public void run() {
            if (error == null) {
                result.complete(new PublishReceipt(event.id(), event.topic(), ack.getStream() + "#" + ack.getSeqno(),
                        ack.isDuplicate()));
            } else {
                result.completeExceptionally(translate(this, error));
            }
        }
    }
}
