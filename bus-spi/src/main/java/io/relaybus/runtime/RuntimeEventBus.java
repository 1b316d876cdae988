package io.relaybus.runtime;

import io.relaybus.api.BatchHandler;
import io.relaybus.api.BatchOptions;
import io.relaybus.api.BusConfigException;
import io.relaybus.api.BusException;
import io.relaybus.api.BusFatalException;
import io.relaybus.api.BusHealth;
import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.EventHandler;
import io.relaybus.api.MetricsSnapshot;
import io.relaybus.api.PublishReceipt;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;
import io.relaybus.spi.Transport;
import io.relaybus.runtime.BatchDeliveryProcessor;
import io.relaybus.runtime.BusMetrics;
import io.relaybus.runtime.DeliveryProcessor;
import io.relaybus.runtime.InterceptorChain;
import io.relaybus.runtime.KeyedDispatcher;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** The bus: a transport wrapped with metrics, dispatch, retries and dead letters. Thread safe. */
final class RuntimeEventBus implements EventBus {

    private final String transportName;
    private final Transport transport;
    private final int queueCapacity;
    private final Duration closeTimeout;
    private final BusMetrics metrics = new BusMetrics();
    private final Set<RuntimeSubscription> subscriptions = ConcurrentHashMap.newKeySet();
    /** Null when no interceptor is registered: every hook is skipped. */
    private final InterceptorChain interceptors;
    private volatile boolean closed;

    RuntimeEventBus(String transportName, Transport transport, int queueCapacity, Duration closeTimeout,
                 InterceptorChain interceptors) {
        this.transportName = transportName;
        this.transport = transport;
        this.queueCapacity = queueCapacity;
        this.closeTimeout = closeTimeout;
        this.interceptors = interceptors;
    }

    @Override
    public CompletionStage<PublishReceipt> publish(Event event) {
        return send(event);
    }

    CompletableFuture<PublishReceipt> send(Event event) {
        if (closed) {
            return CompletableFuture.failedFuture(closedError());
        }
        return sendOpen(event);
    }

    /**
     * Publishes without the closed check: dead letters of subscriptions that are draining while the bus closes must
     * still reach the broker, which stays connected until every subscription has closed.
     */
    private CompletableFuture<PublishReceipt> sendOpen(Event event) {
        if (interceptors != null) {
            InterceptorChain.Publish intercepted = interceptors.beforePublish(event);
            return intercepted.track(sendPlain(intercepted.event()));
        }
        return sendPlain(event);
    }

    private CompletableFuture<PublishReceipt> sendPlain(Event event) {
        metrics.published();
        long start = System.nanoTime();
        CompletableFuture<PublishReceipt> sent;
        try {
            sent = transport.publish(event);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        if (sent.isDone() && !sent.isCompletedExceptionally()) {
            // Acknowledged already (the memory transport always is): no second future and callback per publish.
            metrics.acknowledged(start);
            return sent;
        }
        return sent.handle((receipt, error) -> {
            if (error != null) {
                metrics.publishFailed();
                throw wrap(error, event);
            }
            metrics.acknowledged(start);
            return receipt;
        });
    }

    @Override
    public CompletionStage<List<PublishReceipt>> publishAll(List<Event> events) {
        if (closed) {
            return CompletableFuture.failedFuture(closedError());
        }
        if (interceptors != null) {
            List<InterceptorChain.Publish> intercepted = interceptors.beforePublishAll(events);
            return InterceptorChain.trackAll(intercepted, sendAll(InterceptorChain.events(intercepted)));
        }
        return sendAll(events);
    }

    private CompletableFuture<List<PublishReceipt>> sendAll(List<Event> events) {
        long start = System.nanoTime();
        for (int i = 0; i < events.size(); i++) {
            metrics.published();
        }
        CompletableFuture<List<PublishReceipt>> sent;
        try {
            sent = transport.publishAll(List.copyOf(events));
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.handle((receipts, error) -> {
            if (error != null) {
                for (int i = 0; i < events.size(); i++) {
                    metrics.publishFailed();
                }
                throw wrap(error, events.isEmpty() ? null : events.get(0));
            }
            receipts.forEach(r -> metrics.acknowledged(start));
            return receipts;
        });
    }

    private CompletionException wrap(Throwable error, Event event) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof BusException) {
            return new CompletionException(cause);
        }
        String what = event == null ? "events" : "event " + event.id() + " to topic " + event.topic();
        return new CompletionException(new BusException("Publishing " + what + " over " + transportName
                + " failed: " + cause, cause));
    }

    private BusFatalException closedError() {
        return new BusFatalException("The event bus (" + transportName + ") is closed");
    }

    @Override
    public Subscription subscribe(SubscribeOptions options, EventHandler handler) {
        Objects.requireNonNull(handler, "handler");
        return start(options, (name, health, abandoned) -> new KeyedDispatcher<>(name, options.concurrency(),
                queueCapacity, options.orderedByKey(), d -> d.event().keyOrNull(),
                new DeliveryProcessor(name, handler, options.retry(), options.orderedByKey(), options.deadLetterTopic(),
                        this::sendOpen, metrics, health, abandoned,
                        interceptors == null ? null : interceptors.forSubscription(name, options.group().orElse(null)))));
    }

    @Override
    public Subscription subscribeBatch(SubscribeOptions options, BatchOptions batching, BatchHandler handler) {
        Objects.requireNonNull(batching, "batching");
        Objects.requireNonNull(handler, "handler");
        return start(options, (name, health, abandoned) -> KeyedDispatcher.batching(name, options.concurrency(),
                queueCapacity, options.orderedByKey(), d -> d.event().keyOrNull(), batching.maxEvents(),
                batching.maxBytes(), batching.maxWait(), d -> d.event().payload().length,
                new BatchDeliveryProcessor(name, handler, options.retry(), options.deadLetterTopic(), this::sendOpen,
                        metrics, health, abandoned,
                        interceptors == null ? null : interceptors.forSubscription(name, options.group().orElse(null)))));
    }

    private Subscription start(SubscribeOptions options, RuntimeSubscription.Workers workers) {
        if (closed) {
            throw closedError();
        }
        validateTopic("topic", options.topic());
        validateTopic("deadLetterTopic", options.deadLetterTopic());
        RuntimeSubscription s = new RuntimeSubscription(options, transport, queueCapacity, closeTimeout, workers,
                this::removed);
        subscriptions.add(s);
        if (interceptors != null) {
            interceptors.subscribed(s);
        }
        if (closed) {   // close() ran while this subscription was being created: it missed it
            s.close();
            throw closedError();
        }
        return s;
    }

    private void removed(RuntimeSubscription s) {
        if (subscriptions.remove(s) && interceptors != null) {
            interceptors.unsubscribed(s);
        }
    }

    /** Asks the transport; its problems are reported under the subscribe option's name. */
    private void validateTopic(String option, String topic) {
        try {
            transport.validateTopic(topic);
        } catch (BusConfigException e) {
            throw new BusConfigException(e.problems().stream()
                    .map(p -> new BusConfigException.Problem("SubscribeOptions." + option, p.value(), p.reason()))
                    .toList());
        }
    }

    @Override
    public String transport() {
        return transportName;
    }

    @Override
    public BusHealth health() {
        if (closed) {
            return BusHealth.down("closed");
        }
        BusHealth worst = transport.health();
        StringBuilder detail = new StringBuilder(worst.detail());
        for (RuntimeSubscription s : subscriptions) {
            BusHealth h = s.healthForBus();
            if (h != null && h.status() != BusHealth.Status.UP) {
                detail.append("; ").append(h.detail());
                if (h.status().compareTo(worst.status()) > 0) {
                    worst = h;
                }
            }
        }
        return new BusHealth(worst.status(), detail.toString());
    }

    @Override
    public MetricsSnapshot metrics() {
        return metrics.snapshot();
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        return transport.unwrap(type);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (RuntimeSubscription s : List.copyOf(subscriptions)) {
            s.close();
        }
        transport.close();
        if (interceptors != null) {
            interceptors.busClosed(this);
        }
    }
}
