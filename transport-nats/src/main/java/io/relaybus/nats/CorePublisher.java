package io.relaybus.nats;

import io.relaybus.nats.support.HeaderCodec;

import io.nats.client.Connection;
import io.relaybus.api.BusException;
import io.relaybus.api.BusFatalException;
import io.relaybus.api.BusRetriableException;
import io.relaybus.api.Event;
import io.relaybus.api.PublishReceipt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeoutException;

/**
 * Core-NATS publishing. Core NATS has no acknowledgement: the publish future completes once a PING/PONG round trip
 * after the event was written came back, which proves the server has read the event. It does not mean any
 * subscriber received it: with no subscriber, or a slow one, the event is gone (at most once). Round trips are
 * shared: one flush confirms every event written before it, so under load there is one round trip per group of
 * events, not per event.
 *
 * <p>Threading: {@link #publish} writes on the caller's thread (jnats queues it for its writer); one confirmer thread
 * flushes and hands completions to the callback executor. Lifecycle: {@link #close()} confirms what is pending; a
 * publish racing it is confirmed or failed, so every future returned is complete once close() returned (a failed
 * one may still have reached the server: core NATS cannot tell).
 */
final class CorePublisher implements AutoCloseable {

    private final Connection connection;
    private final NatsConfig config;
    private final String servers;
    private final Executor callbacks;
    private final LinkedBlockingQueue<Pending> unconfirmed = new LinkedBlockingQueue<>();
    private final Thread confirmer;
    private volatile boolean closed;

    CorePublisher(Connection connection, NatsConfig config, String servers, String clientId, Executor callbacks) {
        this.connection = connection;
        this.config = config;
        this.servers = servers;
        this.callbacks = callbacks;
        this.confirmer = new Thread(this::confirmLoop, "relaybus-nats-" + clientId + "-confirm");
        confirmer.setDaemon(true);
        confirmer.start();
    }

    CompletableFuture<PublishReceipt> publish(Event event) {
        if (closed) {
            return CompletableFuture.failedFuture(new BusFatalException("The NATS transport is closed"));
        }
        String subject;
        try {
            subject = config.subjectOf(event.topic());
            connection.publish(subject, HeaderCodec.encode(event), event.payload());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new BusFatalException("Cannot publish event " + event.id()
                    + " to topic " + event.topic() + ": " + e.getMessage(), e));
        } catch (IllegalStateException e) {
            return CompletableFuture.failedFuture(new BusRetriableException("Publishing event " + event.id()
                    + " failed: " + e.getMessage() + " (servers " + servers + ")", e));
        }
        Pending p = new Pending(event);
        unconfirmed.add(p);
        // Whoever takes p off the queue completes it. Once closed, the confirmer may have made its last round (and
        // close() its last sweep) before the add: then it is still on the queue and this thread takes it back.
        if (closed && unconfirmed.remove(p)) {
            p.result.completeExceptionally(closedMeanwhile(event));
        }
        return p.result;
    }

    private static BusFatalException closedMeanwhile(Event event) {
        return new BusFatalException("The NATS transport was closed while event " + event.id() + " was being "
                + "published; it may or may not have reached the server (core NATS does not confirm after close)");
    }

    private void confirmLoop() {
        List<Pending> batch = new ArrayList<>();
        Duration timeout = config.publishTimeout();
        while (!closed || !unconfirmed.isEmpty()) {
            try {
                Pending first = unconfirmed.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                unconfirmed.drainTo(batch);
                BusException failure = null;
                try {
                    connection.flush(timeout);
                } catch (TimeoutException | IllegalStateException e) {
                    failure = new BusRetriableException("The NATS server at " + servers + " did not confirm receipt "
                            + "within " + timeout.toMillis() + " ms (" + NatsConfig.PUBLISH_TIMEOUT_CONFIG + "); the "
                            + "events may or may not have been delivered", e);
                } catch (InterruptedException e) {
                    failure = new BusRetriableException("Interrupted while waiting for the NATS server at " + servers
                            + " to confirm receipt; the events may or may not have been delivered", e);
                }
                complete(batch, failure);
            } catch (InterruptedException e) {
                // a stray interrupt (nobody else knows this thread): go on, nothing taken is left behind
            }
        }
    }

    /** Completes (on the callback executor) and clears {@code batch}. */
    private void complete(List<Pending> batch, BusException error) {
        List<Pending> done = List.copyOf(batch);
        batch.clear();
        callbacks.execute(() -> {
            for (Pending p : done) {
                if (error == null) {
                    p.result.complete(new PublishReceipt(p.event.id(), p.event.topic(), "core", false));
                } else {
                    p.result.completeExceptionally(error);
                }
            }
        });
    }

    /** Confirms what is pending (bounded by the publish timeout); fails what could not be confirmed. */
    @Override
    public void close() {
        closed = true;
        try {
            confirmer.join(config.publishTimeout().toMillis() + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Left when the confirmer ended (or this thread was interrupted) before an add that saw closed too late.
        for (Pending p; (p = unconfirmed.poll()) != null; ) {
            p.result.completeExceptionally(closedMeanwhile(p.event));
        }
    }

    private static final class Pending {
        final Event event;
        final CompletableFuture<PublishReceipt> result = new CompletableFuture<>();

        Pending(Event event) {
            this.event = event;
        }
    }
}
