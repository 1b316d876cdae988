package io.relaybus.spi.internal;

import io.relaybus.api.BusException;
import io.relaybus.api.Event;
import io.relaybus.api.EventHandler;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;
import io.relaybus.spi.Delivery;
import io.relaybus.spi.DeliverySink;
import io.relaybus.spi.SubscriptionSpec;
import io.relaybus.spi.Transport;
import io.relaybus.spi.TransportSubscription;
import io.relaybus.spi.core.BusMetrics;
import io.relaybus.spi.core.DeliveryProcessor;
import io.relaybus.spi.core.KeyedDispatcher;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A subscription: the transport's intake feeding a {@link KeyedDispatcher} whose workers run a
 * {@link DeliveryProcessor}. Close is three steps: stop intake, drain the dispatcher, close the transport side.
 */
final class CoreSubscription implements Subscription {

    private static final System.Logger LOG = System.getLogger(CoreSubscription.class.getName());

    private final SubscribeOptions options;
    private final KeyedDispatcher<Delivery> dispatcher;
    private final TransportSubscription intake;
    private final Duration closeTimeout;
    private final Consumer<CoreSubscription> onClose;
    private final CompletableFuture<Void> ready;
    private volatile boolean paused;
    private boolean closed;

    CoreSubscription(SubscribeOptions options, EventHandler handler, Transport transport, BusMetrics metrics,
                     int queueCapacity, Duration closeTimeout, Function<Event, CompletableFuture<?>> publisher,
                     Consumer<CoreSubscription> onClose) {
        this.options = options;
        this.closeTimeout = closeTimeout;
        this.onClose = onClose;
        SubscriptionSpec spec = new SubscriptionSpec(options.topic(), options.group().orElse(null),
                options.startFrom(), options.concurrency() * (queueCapacity + 1));
        DeliveryProcessor processor = new DeliveryProcessor(spec.describe(), handler, options.retry(),
                options.orderedByKey(), options.deadLetterTopic(), publisher, metrics);
        this.dispatcher = new KeyedDispatcher<>(spec.describe(), options.concurrency(), queueCapacity,
                options.orderedByKey(), d -> d.event().keyOrNull(), processor);
        TransportSubscription ts;
        try {
            ts = transport.subscribe(spec, new Sink(dispatcher));
        } catch (RuntimeException e) {
            dispatcher.drain(Duration.ZERO);
            throw e instanceof BusException ? e
                    : new BusException("Subscribing to " + spec.describe() + " failed: " + e.getMessage(), e);
        }
        this.intake = ts;
        this.ready = ts.ready().handle((v, error) -> {
            if (error == null) {
                return null;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            throw new CompletionException(cause instanceof BusException ? cause
                    : new BusException("Subscription to " + spec.describe() + " could not become ready: " + cause, cause));
        });
    }

    @Override
    public SubscribeOptions options() {
        return options;
    }

    @Override
    public CompletionStage<Void> ready() {
        return ready.minimalCompletionStage();
    }

    @Override
    public void pause() {
        paused = true;
        intake.pause();
    }

    @Override
    public void resume() {
        paused = false;
        intake.resume();
    }

    @Override
    public boolean isPaused() {
        return paused;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            intake.stopIntake();
            if (!dispatcher.drain(closeTimeout)) {
                LOG.log(System.Logger.Level.WARNING, "Subscription {0}: handlers did not finish within {1}; "
                        + "unfinished events stay unacknowledged and will be delivered again", options.topic(), closeTimeout);
            }
        } finally {
            intake.close();
            onClose.accept(this);
        }
    }

    /** Adapts the dispatcher to what a transport sees. */
    private static final class Sink implements DeliverySink {
        private final KeyedDispatcher<Delivery> dispatcher;

        Sink(KeyedDispatcher<Delivery> dispatcher) {
            this.dispatcher = dispatcher;
        }

        @Override
        public boolean offer(Delivery delivery) {
            return dispatcher.offer(delivery);
        }

        @Override
        public int remainingCapacity() {
            return dispatcher.remainingCapacity();
        }

        @Override
        public boolean awaitCapacity(long timeout, TimeUnit unit) throws InterruptedException {
            return dispatcher.awaitCapacity(timeout, unit);
        }
    }
}
