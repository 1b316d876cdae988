package io.relaybus.spi.support;

import io.relaybus.spi.Delivery;
import io.relaybus.spi.DeliverySink;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The refuse, hold and offer-again part of a transport's intake, in one place: deliveries fetched from the broker and
 * not accepted by the runtime's {@link DeliverySink} yet, in fetch order. A delivery the sink refuses stays first, and
 * nothing behind it is offered before it: per-key order survives backpressure. While the queue holds anything the
 * intake must not fetch more (pause the consumer, stop pulling) and should wait with {@link #awaitRoom}.
 *
 * <p>The loop on the intake thread:
 *
 * <pre>{@code
 * IntakeQueue<MyDelivery> queue = new IntakeQueue<>(sink);
 * while (running) {
 *     if (!queue.offerHeld()) {                     // something is held: fetch nothing, wait for room
 *         queue.awaitRoom(100, TimeUnit.MILLISECONDS);
 *         continue;
 *     }
 *     for (MyDelivery d : fetch(Math.min(fetchMax, sink.remainingCapacity()))) {
 *         queue.offer(d);                           // at once, or held behind what is held already
 *     }
 * }
 * queue.handBack(MyDelivery::giveBack);             // never accepted: back to the broker for redelivery
 * }</pre>
 *
 * <p>{@link Hooks} let a transport track offsets around the offer (Kafka marks an offset as handed out before the
 * offer, since a worker may acknowledge it at once, and takes that back when the offer is refused).
 *
 * <p>Not thread safe: owned by the one intake thread that fetches and offers.
 *
 * @param <D> the transport's delivery type
 */
public final class IntakeQueue<D extends Delivery> {

    /** Called around each offer, on the intake thread. */
    public interface Hooks<D> {
        /** Right before {@code delivery} is offered. */
        default void offering(D delivery) {
        }

        /** The sink refused {@code delivery}; it stays first in the queue. */
        default void refused(D delivery) {
        }
    }

    private final DeliverySink sink;
    private final Hooks<? super D> hooks;
    private final ArrayDeque<D> held = new ArrayDeque<>();

    public IntakeQueue(DeliverySink sink) {
        this(sink, new Hooks<>() {
        });
    }

    public IntakeQueue(DeliverySink sink, Hooks<? super D> hooks) {
        this.sink = sink;
        this.hooks = hooks;
    }

    /**
     * Offers {@code delivery} at once when nothing is held; otherwise, or when the sink refuses it, holds it behind the
     * others. Returns whether the sink accepted it.
     */
    public boolean offer(D delivery) {
        if (held.isEmpty() && tryOffer(delivery)) {
            return true;
        }
        held.add(delivery);
        return false;
    }

    /** Holds {@code delivery} without offering it (for example while paused); {@link #offerHeld} offers it in turn. */
    public void hold(D delivery) {
        held.add(delivery);
    }

    /** Offers the held deliveries in order until one is refused; returns true when none is held any more. */
    public boolean offerHeld() {
        while (!held.isEmpty()) {
            if (!tryOffer(held.peek())) {
                return false;
            }
            held.poll();
        }
        return true;
    }

    private boolean tryOffer(D delivery) {
        hooks.offering(delivery);
        if (sink.offer(delivery)) {
            return true;
        }
        hooks.refused(delivery);
        return false;
    }

    /** Whether a delivery is held: the intake must not fetch more until {@link #offerHeld} returns true. */
    public boolean isHolding() {
        return !held.isEmpty();
    }

    /** How many deliveries are held. */
    public int size() {
        return held.size();
    }

    /**
     * Waits until the sink made room or the timeout passed ({@link DeliverySink#awaitCapacity}); returns whether room
     * was made. Interruptible.
     */
    public boolean awaitRoom(long timeout, TimeUnit unit) throws InterruptedException {
        return sink.awaitCapacity(timeout, unit);
    }

    /** Drops the held deliveries that {@code gone} matches (their partition was revoked, say), keeping the order. */
    public void removeIf(Predicate<? super D> gone) {
        held.removeIf(gone);
    }

    /** Drops every held delivery without settling it: the broker delivers them again to whoever reads next. */
    public void clear() {
        held.clear();
    }

    /** Empties the queue, passing each held delivery, in order, to {@code handBack} (to give it back to the broker). */
    public void handBack(Consumer<? super D> handBack) {
        for (D d; (d = held.poll()) != null; ) {
            handBack.accept(d);
        }
    }
}
