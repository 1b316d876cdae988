package io.relaybus.memory;

import io.relaybus.api.Event;
import io.relaybus.spi.support.SettleOnceDelivery;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** A delivery from a memory topic; settled at most once. */
final class MemoryDelivery extends SettleOnceDelivery {

    private final MemoryTopic topic;
    private final MemoryTopic.Group group;
    private final long offset;
    private volatile Set<MemoryDelivery> outstanding;

    MemoryDelivery(MemoryTopic topic, MemoryTopic.Group group, Event event, long offset, int attempt) {
        super(event, attempt);
        this.topic = topic;
        this.group = group;
        this.offset = offset;
    }

    MemoryTopic.Group group() {
        return group;
    }

    /** Records the subscription's set of unsettled deliveries; settling removes this delivery from it. */
    void trackIn(Set<MemoryDelivery> set) {
        outstanding = set;
        set.add(this);
    }

    private boolean settle() {
        if (!markSettled()) {
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
            MemoryDelivery again = new MemoryDelivery(topic, group, event(), offset, deliveryAttempt() + 1);
            MemoryBroker.TIMER.schedule(() -> topic.requeue(again), delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** The subscriber went away without settling: hand the event to the group again. */
    void abandon() {
        if (settle()) {
            topic.requeue(new MemoryDelivery(topic, group, event(), offset, deliveryAttempt() + 1));
        }
    }

    long offset() {
        return offset;
    }
}
