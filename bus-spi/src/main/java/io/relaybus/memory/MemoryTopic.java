package io.relaybus.memory;

import io.relaybus.api.Event;
import io.relaybus.api.StartPosition;

import java.util.Comparator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;

/**
 * One topic: an append-only log with offsets, and the groups reading it. One lock guards the log and every group's
 * cursor; readers wait on {@link #await} for appends and redeliveries.
 */
final class MemoryTopic {

    private final String name;
    private final long retention;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayList<Event> log = new ArrayList<>();
    private long base;   // offset of log.get(0)
    private final Map<String, Group> groups = new HashMap<>();

    MemoryTopic(String name, long retention) {
        this.name = name;
        this.retention = retention;
    }

    String name() {
        return name;
    }

    /** How many events the topic keeps (see {@link MemoryTransportProvider#RETENTION_CONFIG}). */
    long retention() {
        return retention;
    }

    /** Appends and returns the offset. */
    long append(Event event) {
        lock.lock();
        try {
            log.add(event);
            long offset = base + log.size() - 1;
            if (log.size() >= 2 * retention) {
                // Trim in one go when twice over, so appends stay O(1) amortised; at least `retention` are kept.
                int drop = (int) (log.size() - retention);
                log.subList(0, drop).clear();
                base += drop;
            }
            changed.signalAll();
            return offset;
        } finally {
            lock.unlock();
        }
    }

    /** The named group, created at the start position when new; an existing group keeps its cursor. */
    Group group(String groupName, StartPosition start) {
        lock.lock();
        try {
            return groups.computeIfAbsent(groupName, g -> new Group(g, start == StartPosition.EARLIEST ? base : end()));
        } finally {
            lock.unlock();
        }
    }

    /** A group of one subscriber, not registered: it ends with the subscription. */
    Group privateGroup(StartPosition start) {
        lock.lock();
        try {
            return new Group(null, start == StartPosition.EARLIEST ? base : end());
        } finally {
            lock.unlock();
        }
    }

    private long end() {
        return base + log.size();
    }

    /**
     * Takes up to {@code max} deliveries for {@code group}, waiting up to {@code waitMillis} for one; redeliveries
     * come before new events. Each is added to {@code unsettled} (the taker's set of unsettled deliveries) under the
     * lock, so that {@link #unsettled} never sees an event neither in the log ahead of the group nor handed out.
     * When retention dropped events the group had not read, this take skips them and tells {@code dropped} how many
     * (so the one member that skipped them reports it), under the lock.
     */
    List<MemoryDelivery> take(Group group, int max, long waitMillis, Set<MemoryDelivery> unsettled,
                              LongConsumer dropped) throws InterruptedException {
        lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(waitMillis);
            while (group.redeliveries.isEmpty() && Math.max(group.cursor, base) >= end()) {
                if (nanos <= 0) {
                    return List.of();
                }
                nanos = changed.awaitNanos(nanos);
            }
            List<MemoryDelivery> out = new ArrayList<>(Math.min(max, 64));
            while (out.size() < max && !group.redeliveries.isEmpty()) {
                MemoryDelivery d = group.redeliveries.poll();
                d.trackIn(unsettled);
                out.add(d);
            }
            if (group.cursor < base) {
                dropped.accept(base - group.cursor);   // fell behind retention: what was dropped is skipped
                group.cursor = base;
            }
            while (out.size() < max && group.cursor < end()) {
                long offset = group.cursor++;
                MemoryDelivery d = new MemoryDelivery(this, group, log.get((int) (offset - base)), offset, 1);
                d.trackIn(unsettled);
                out.add(d);
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Puts a delivery back for its group, ahead of new events and in log order with the others handed back. */
    void requeue(MemoryDelivery delivery) {
        lock.lock();
        try {
            delivery.group().redeliveries.add(delivery);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Events {@code group} has not been handed yet: the log after its cursor, plus those handed back. */
    long lag(Group group) {
        lock.lock();
        try {
            return end() - Math.max(group.cursor, base) + group.redeliveries.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * What the named group still has to settle: events it was not handed yet (the log after its cursor, plus those
     * handed back) and deliveries of it that {@code members} hold unsettled. A redelivery waiting out its delay is in
     * neither. 0 for a group that does not exist.
     */
    long unsettled(String groupName, Collection<MemorySubscription> members) {
        lock.lock();
        try {
            Group group = groups.get(groupName);
            if (group == null) {
                return 0;
            }
            long n = lag(group);
            for (MemorySubscription m : members) {
                n += m.unsettledOf(group);
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every reader (pause, resume, close). */
    void wakeReaders() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A consumer group's position; guarded by the topic's lock. */
    static final class Group {
        final String name;
        long cursor;
        /** Handed back, in log order: the next member sees a key's events in the order they were published. */
        final PriorityQueue<MemoryDelivery> redeliveries =
                new PriorityQueue<>(Comparator.comparingLong(MemoryDelivery::offset));

        Group(String name, long cursor) {
            this.name = name;
            this.cursor = cursor;
        }
    }
}
