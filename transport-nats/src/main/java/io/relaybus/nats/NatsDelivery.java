package io.relaybus.nats;

import io.nats.client.Message;
import io.nats.client.impl.NatsJetStreamMetaData;
import io.relaybus.api.Event;
import io.relaybus.nats.support.JetStreamDelivery;
import io.relaybus.spi.support.SettleOnceDelivery;

import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JetStream message handed to the runtime. Settling maps onto JetStream acknowledgements: {@link #ack()} is
 * {@code ack}, {@link #redeliver(Duration)} is {@code nak} with a delay (the server counts one more delivery),
 * {@link #deadLettered()} is {@code term} (never delivered again).
 *
 * <p>Settling is idempotent and never throws: an acknowledgement that cannot be sent (connection closed) leaves the
 * event to the server's redelivery after the ack wait, which is the at-least-once guarantee, rather than making the
 * runtime treat a handled event as failed. Thread safe.
 */
final class NatsDelivery extends SettleOnceDelivery implements JetStreamDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(NatsDelivery.class);

    private final Message message;
    private final long streamSequence;
    private final Set<NatsDelivery> outstanding;
    /** The keep-alive tick during which the event arrived: no clock read per event. */
    private final long arrivalTick;

    /**
     * @param arrivalTick the subscription's keep-alive tick now; the first {@code in-progress} goes out at the first
     *                    tick after it, i.e. at most one keep-alive interval after arrival
     */
    NatsDelivery(Message message, Event event, Set<NatsDelivery> outstanding, long arrivalTick) {
        this(message, message.metaData(), event, outstanding, arrivalTick);
    }

    private NatsDelivery(Message message, NatsJetStreamMetaData meta, Event event, Set<NatsDelivery> outstanding,
                         long arrivalTick) {
        super(event, (int) Math.min(Integer.MAX_VALUE, Math.max(1, meta.deliveredCount())));
        this.message = message;
        this.streamSequence = meta.streamSequence();
        this.outstanding = outstanding;
        this.arrivalTick = arrivalTick;
        outstanding.add(this);
    }

    @Override
    public long streamSequence() {
        return streamSequence;
    }

    @Override
    public String subject() {
        return message.getSubject();
    }

    @Override
    public String stream() {
        return message.metaData().getStream();
    }

    @Override
    public long storedSize() {
        byte[] data = message.getData();
        return (data == null ? 0 : data.length) + (message.getHeaders() == null ? 0
                : message.getHeaders().serializedLength());
    }

    @Override
    public void ack() {
        settle("ack", message::ack);
    }

    @Override
    public boolean canRedeliver() {
        return true;
    }

    @Override
    public void redeliver(Duration delay) {
        settle("nak", () -> message.nakWithDelay(delay));
    }

    @Override
    public void deadLettered() {
        settle("term", message::term);
    }

    /** Hands the event back for immediate redelivery (to this or another member), for events never handled. */
    void handBack() {
        settle("nak", message::nak);
    }

    /**
     * Tells the server the event is still being worked on, unless it arrived during the current keep-alive tick
     * {@code tick} (ticks are one keep-alive interval apart, a third of the ack wait).
     */
    void keepAlive(long tick) {
        if (isSettled() || arrivalTick >= tick) {
            return;
        }
        try {
            message.inProgress();
        } catch (RuntimeException e) {
            LOG.debug("in-progress for event {} not sent: {}", event().id(), e.toString());
        }
    }

    private void settle(String what, Runnable action) {
        if (!markSettled()) {
            return;
        }
        outstanding.remove(this);
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.warn("Could not send {} for event {} (stream sequence {}): {}; the "
                    + "server will deliver it again after the ack wait", what, event().id(), streamSequence, e.toString());
        }
    }
}
