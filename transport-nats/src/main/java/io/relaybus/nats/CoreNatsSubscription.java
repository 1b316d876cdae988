package io.relaybus.nats;

import io.relaybus.nats.support.HeaderCodec;
import io.relaybus.nats.support.Names;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.relaybus.api.BusRetriableException;
import io.relaybus.api.Event;
import io.relaybus.api.StartPosition;
import io.relaybus.spi.Delivery;
import io.relaybus.spi.DeliverySink;
import io.relaybus.spi.SubscriptionSpec;
import io.relaybus.spi.support.IntakeQueue;
import io.relaybus.spi.support.SwitchedSubscription;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A core-NATS subscription: a plain subscription on the topic's subject, or a queue subscription for a group (NATS
 * queue groups give each event to one member). At most once: nothing is stored, so only events published while the
 * subscription is registered on the server arrive ({@code startFrom} EARLIEST cannot replay anything), and
 * acknowledgements are no-ops. Events wait in the client's buffer (up to {@code nats.core.pending.messages} and
 * {@code nats.core.pending.bytes}) while
 * the runtime's queues are full; beyond that jnats drops them and reports a slow consumer.
 *
 * <p>Threading: one loop thread reads the subscription and offers to the sink, holding a refused event until
 * {@link DeliverySink#awaitCapacity} reports room. {@link #ready()} completes after a flush confirmed the server
 * registered the subscription.
 */
final class CoreNatsSubscription extends SwitchedSubscription {

    private static final Logger LOG = LoggerFactory.getLogger(CoreNatsSubscription.class);

    private final Connection connection;
    private final SubscriptionSpec spec;
    private final DeliverySink sink;
    private final Subscription subscription;
    private final Thread loop;

    CoreNatsSubscription(Connection connection, NatsConfig config, SubscriptionSpec spec, DeliverySink sink) {
        this.connection = connection;
        this.spec = spec;
        this.sink = sink;
        String subject = config.subjectOf(spec.topic());
        this.subscription = spec.group() == null ? connection.subscribe(subject)
                : connection.subscribe(subject, Names.sanitize(spec.group()));
        subscription.setPendingLimits(config.values().getInt(NatsConfig.CORE_PENDING_LIMIT_CONFIG),
                config.values().getLong(NatsConfig.CORE_PENDING_BYTES_CONFIG));
        if (spec.startFrom() == StartPosition.EARLIEST) {
            LOG.info("{}: core NATS stores nothing; startFrom EARLIEST receives only events "
                    + "published from now on (use nats.mode=jetstream for replay)", spec.describe());
        }
        this.loop = new Thread(() -> run(config.publishTimeout()), "relaybus-nats-core-" + spec.describe());
        loop.setDaemon(true);
        loop.start();
    }

    @Override
    public void stopIntake() {
        super.stopIntake();
        try {
            subscription.unsubscribe();
        } catch (IllegalStateException e) {
            // connection already closed
        }
    }

    @Override
    public void close() {
        stopIntake();
        try {
            loop.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(Duration timeout) {
        try {
            connection.flush(timeout);
            ready().complete(null);
        } catch (TimeoutException | IllegalStateException e) {
            ready().completeExceptionally(new BusRetriableException("The NATS server did not confirm subscription "
                    + spec.describe() + " within " + timeout.toMillis() + " ms", e));
            return;
        } catch (InterruptedException e) {
            return;
        }
        IntakeQueue<Delivery> intake = new IntakeQueue<>(sink);
        try {
            while (!stopped()) {
                if (paused()) {
                    awaitResumed(500);
                    continue;
                }
                if (!intake.offerHeld()) {
                    intake.awaitRoom(500, TimeUnit.MILLISECONDS);
                    continue;
                }
                Message msg;
                try {
                    msg = subscription.nextMessage(Duration.ofMillis(500));
                } catch (IllegalStateException e) {
                    return;   // unsubscribed
                }
                if (msg == null) {
                    continue;
                }
                Event event;
                try {
                    event = HeaderCodec.decode(msg, spec.topic(), false);
                } catch (RuntimeException e) {
                    LOG.error("A message on " + msg.getSubject() + " cannot be read as an "
                            + "event and is dropped", e);
                    continue;
                }
                intake.offer(new CoreDelivery(event));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** At most once: nothing to acknowledge. */
    private record CoreDelivery(Event event) implements Delivery {
        @Override
        public void ack() {
            // core NATS has no acknowledgements
        }
    }
}
