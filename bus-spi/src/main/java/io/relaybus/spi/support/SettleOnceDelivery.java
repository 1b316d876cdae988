package io.relaybus.spi.support;

import io.relaybus.api.Event;
import io.relaybus.spi.Delivery;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A {@link Delivery} of a known attempt whose settle calls take effect at most once: each settle method of a
 * subclass starts with {@link #markSettled()} and does nothing when it returns false, so a second settle (the runtime
 * racing the transport's own hand-back on close, or a settle repeated after an error) never reaches the broker
 * twice. The flag is a field of the delivery, not an object per delivery.
 *
 * <p>Thread safe: settle calls may come from the runtime's workers and the transport's threads at once.
 */
public abstract class SettleOnceDelivery implements Delivery {

    private static final VarHandle SETTLED;

    static {
        try {
            SETTLED = MethodHandles.lookup().findVarHandle(SettleOnceDelivery.class, "settled", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Event event;
    private final int attempt;
    @SuppressWarnings("unused")    // accessed through SETTLED
    private volatile int settled;

    /** @param attempt the 1-based number of times the broker has delivered {@code event} */
    protected SettleOnceDelivery(Event event, int attempt) {
        this.event = event;
        this.attempt = attempt;
    }

    @Override
    public final Event event() {
        return event;
    }

    @Override
    public final int deliveryAttempt() {
        return attempt;
    }

    /** Marks the delivery settled: true for the first call only, which then must settle it with the broker. */
    protected final boolean markSettled() {
        return SETTLED.compareAndSet(this, 0, 1);
    }

    /** Whether a settle call took effect already. */
    public final boolean isSettled() {
        return settled != 0;
    }
}
