package io.relaybus.memory;

import io.relaybus.api.Event;
import io.relaybus.spi.Delivery;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/** A delivery from a memory topic; settled at most once. */
final class MemoryDelivery implements Delivery {

    private static final AtomicIntegerFieldUpdater<MemoryDelivery> SETTLED =
            AtomicIntegerFieldUpdater.newUpdater(MemoryDelivery.class, "settled");

    private final MemoryTopic topic;
    private final MemoryTopic.Group group;
    private final Event event;
    private final long offset;
    private final int attempt;
    private volatile int settled;   // 0, then 1 once settled: a field, not an AtomicBoolean per delivery
    private volatile Set<MemoryDelivery> outstanding;

    MemoryDelivery(MemoryTopic topic, MemoryTopic.Group group, Event event, long offset, int attempt) {
        this.topic = topic;
        this.group = group;
        this.event = event;
        this.offset = offset;
        this.attempt = attempt;
    }

    MemoryTopic.Group group() {
        return group;
    }

    @Override
    public Event event() {
        return event;
    }

    @Override
    public int deliveryAttempt() {
        return attempt;
    }

    /** Records the subscription's set of unsettled deliveries; settling removes this delivery from it. */
    void trackIn(Set<MemoryDelivery> set) {
        outstanding = set;
        set.add(this);
    }

    private boolean settle() {
        if (!SETTLED.compareAndSet(this, 0, 1)) {
            return false;
        }
        Set<MemoryDelivery> set = outstanding;
        if (set != null) {
            set.remove(this);
        }
        return true;
    }

    @Override
    public void ack() {
        settle();
    }

    @Override
    public boolean canRedeliver() {
        return true;
    }

    @Override
    public void redeliver(Duration delay) {
        if (settle()) {
            MemoryDelivery again = new MemoryDelivery(topic, group, event, offset, attempt + 1);
            MemoryBroker.TIMER.schedule(() -> topic.requeue(again), delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** The subscriber went away without settling: hand the event to the group again. */
    void abandon() {
        if (settle()) {
            topic.requeue(new MemoryDelivery(topic, group, event, offset, attempt + 1));
        }
    }

    long offset() {
        return offset;
    }
}
