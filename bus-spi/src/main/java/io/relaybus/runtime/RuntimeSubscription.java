package io.relaybus.runtime;

import io.relaybus.api.BusException;
import io.relaybus.api.BusHealth;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;
import io.relaybus.spi.Delivery;
import io.relaybus.spi.DeliverySink;
import io.relaybus.spi.SubscriptionSpec;
import io.relaybus.spi.Transport;
import io.relaybus.spi.TransportSubscription;
import io.relaybus.runtime.KeyedDispatcher;
import io.relaybus.runtime.SubscriptionHealth;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A subscription: the transport's intake feeding a {@link KeyedDispatcher} whose workers run the handler's processor
 * ({@code DeliveryProcessor} or {@code BatchDeliveryProcessor}). Close is three steps: stop intake, drain the dispatcher, close the transport side. It
 * runs on the caller's thread, or on a thread of its own when the caller is one of the subscription's workers (a
 * handler closing its own subscription) or when the subscription stopped on its own ({@link SubscriptionHealth}
 * failed).
 */
final class RuntimeSubscription implements Subscription {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeSubscription.class);

    private final SubscribeOptions options;
    private final String name;
    private final KeyedDispatcher<Delivery> dispatcher;
    private final TransportSubscription intake;
    private final Duration closeTimeout;
    private final Consumer<RuntimeSubscription> onClose;
    private final CompletableFuture<Void> ready;
    private final SubscriptionHealth health;
    private final CompletableFuture<Void> completion = new CompletableFuture<>();
    private volatile boolean paused;
    private boolean shutDown;
    private boolean released;

    /** Creates the subscription's dispatcher, with the processor that runs the application's handler. */
    interface Workers {
        KeyedDispatcher<Delivery> create(String name, SubscriptionHealth health, BooleanSupplier abandoned);
    }

    RuntimeSubscription(SubscribeOptions options, Transport transport, int queueCapacity, Duration closeTimeout,
                     Workers workers, Consumer<RuntimeSubscription> onClose) {
        this.options = options;
        this.closeTimeout = closeTimeout;
        this.onClose = onClose;
        SubscriptionSpec spec = new SubscriptionSpec(options.topic(), options.group().orElse(null),
                options.startFrom(), options.concurrency() * (queueCapacity + 1));
        this.name = spec.describe();
        this.health = new SubscriptionHealth(name, this::stopOnFailure);
        this.dispatcher = workers.create(name, health, this::abandoned);
        TransportSubscription ts;
        try {
            ts = transport.subscribe(spec, new Sink(dispatcher, health));
        } catch (RuntimeException e) {
            dispatcher.drain(Duration.ZERO);
            throw e instanceof BusException ? e
                    : new BusException("Subscribing to " + name + " failed: " + e.getMessage(), e);
        }
        this.intake = ts;
        this.ready = ts.ready().handle((v, error) -> {
            if (error == null) {
                return null;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            throw new CompletionException(cause instanceof BusException ? cause
                    : new BusException("Subscription to " + name + " could not become ready: " + cause, cause));
        });
    }

    private boolean abandoned() {
        return dispatcher.abandoned();
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
    public CompletionStage<Void> completion() {
        return completion.minimalCompletionStage();
    }

    @Override
    public BusHealth health() {
        return health.health();
    }

    /**
     * What this subscription adds to the bus's health: null once the application closed it (closing is not a fault);
     * a subscription that stopped on its own stays DOWN until the application closes it.
     */
    BusHealth healthForBus() {
        synchronized (this) {
            if (released && health.failure() == null) {
                return null;
            }
        }
        return health.health();
    }

    @Override
    public int queuedEvents() {
        return dispatcher.inFlight();
    }

    @Override
    public OptionalLong lag() {
        TransportSubscription ts = intake;   // null while the constructor runs
        return ts == null ? OptionalLong.empty() : ts.lag();
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        TransportSubscription ts = intake;
        return ts == null ? Optional.empty() : ts.unwrap(type);
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
        boolean onWorker = dispatcher.isWorker(Thread.currentThread());
        boolean first;
        synchronized (this) {
            first = !released;
            released = true;
        }
        if (!first) {
            if (!onWorker) {
                awaitCompletion();   // closing elsewhere (from a handler, say): the bus must not disconnect first
            }
            return;
        }
        health.closed();
        if (onWorker) {
            // A handler closing its own subscription: draining here would wait for this very handler.
            onThreadOfItsOwn("close", () -> {
                shutDown();
                onClose.accept(this);
            });
            return;
        }
        try {
            shutDown();
            awaitCompletion();   // when the subscription had stopped on its own, that stop may still be running
        } finally {
            onClose.accept(this);
        }
    }

    private void awaitCompletion() {
        try {
            completion.handle((v, e) -> null).get(closeTimeout.toMillis() + 10_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Subscription {} did not finish stopping in time; its unacknowledged "
                    + "events will be delivered again", name);
        }
    }

    /** The subscription failed for good: stop it on a thread of its own; it stays in the bus's health until closed. */
    private void stopOnFailure(BusException cause) {
        onThreadOfItsOwn("stop", this::shutDown);
    }

    private void onThreadOfItsOwn(String what, Runnable task) {
        Thread t = new Thread(task, "relaybus-" + name + "-" + what);
        t.setDaemon(true);
        t.start();
    }

    /** Stops intake, drains, closes the transport side; once, whoever comes first. Completes {@link #completion}. */
    private void shutDown() {
        synchronized (this) {
            if (shutDown) {
                return;
            }
            shutDown = true;
        }
        try {
            intake.stopIntake();
            if (!dispatcher.drain(closeTimeout)) {
                LOG.warn("Subscription {}: handlers did not finish within {}; "
                        + "unfinished events stay unacknowledged and will be delivered again. Raise "
                        + "bus.close.timeout.ms if handlers need longer", name, closeTimeout);
            }
        } catch (RuntimeException e) {
            LOG.warn("Subscription " + name + ": stopping intake failed; unsettled events "
                    + "stay unacknowledged and will be delivered again", e);
        } finally {
            try {
                intake.close();
            } catch (RuntimeException e) {
                LOG.warn("Subscription " + name + ": closing the transport side failed; "
                        + "unacknowledged events will be delivered again", e);
            }
            BusException failure = health.failure();
            if (failure != null) {
                completion.completeExceptionally(failure);
            } else {
                completion.complete(null);
            }
        }
    }

    /** Adapts the dispatcher to what a transport sees. */
    private static final class Sink implements DeliverySink {
        private static final String INTAKE_PART = "intake";
        private final KeyedDispatcher<Delivery> dispatcher;
        private final SubscriptionHealth health;

        Sink(KeyedDispatcher<Delivery> dispatcher, SubscriptionHealth health) {
            this.dispatcher = dispatcher;
            this.health = health;
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

        @Override
        public void intakeDegraded(String reason) {
            health.degrade(INTAKE_PART, reason);
        }

        @Override
        public void intakeRecovered() {
            health.recover(INTAKE_PART);
        }

        @Override
        public void intakeFailed(Throwable cause) {
            LOG.error("Subscription intake failed for good; the subscription stops and its "
                    + "unacknowledged events stay on the broker. Fix the cause and subscribe again", cause);
            health.fail(new BusException("Subscription " + health.name() + " stopped: the transport could not go on "
                    + "consuming: " + cause.getMessage(), cause));
        }
    }
}
