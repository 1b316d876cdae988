package io.relaybus.memory;

import io.relaybus.api.BusRetriableException;
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
 * One topic: an append-only log with offsets, and the groups reading it. One lock guards the log, every group's
 * cursor and which groups are live (have a member); readers wait for appends and redeliveries, publishers wait while
 * an append would drop events a live group has not read.
 */
final class MemoryTopic {

    private final String name;
    private final long retentionEvents;
    private final long retentionBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Condition room = lock.newCondition();
    private int waitingPublishers;
    private final TopicLog log = new TopicLog();
    private final Map<String, Group> groups = new HashMap<>();
    private final List<Group> live = new ArrayList<>();

    MemoryTopic(String name, long retentionEvents, long retentionBytes) {
        this.name = name;
        this.retentionEvents = retentionEvents;
        this.retentionBytes = retentionBytes;
    }

    String name() {
        return name;
    }

    /** The retention settings, as a user sets them (for messages). */
    String retention() {
        return MemoryTransportProvider.RETENTION_CONFIG + "=" + retentionEvents + ", "
                + MemoryTransportProvider.RETENTION_BYTES_CONFIG + "=" + retentionBytes;
    }

    /** How many events the log keeps now. */
    int retained() {
        lock.lock();
        try {
            return log.count();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends and returns the offset, then drops the oldest events beyond the retention (by count and by bytes; the
     * new event is always kept). An append that would drop events a live group (one with a member) has not taken
     * waits until every live group has taken them, at most {@code maxBlockNanos}.
     *
     * @param size the event's size as counted against {@code memory.retention.bytes}
     * @throws BusRetriableException when that wait ran out; nothing was appended
     * @throws InterruptedException  when interrupted while waiting; nothing was appended
     */
    long append(Event event, int size, long maxBlockNanos) throws InterruptedException {
        lock.lock();
        try {
            long newBase = log.baseAfterAdding(size, retentionEvents, retentionBytes);
            if (newBase > log.base()) {
                newBase = awaitLiveGroups(size, newBase, maxBlockNanos);
            }
            long offset = log.end();
            log.add(event, size);
            log.dropUntil(newBase);
            changed.signalAll();
            return offset;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits, under the lock, until every live group has taken the events an append of {@code size} bytes drops;
     * returns the base after that append (other appends may have come meanwhile).
     */
    private long awaitLiveGroups(int size, long newBase, long maxBlockNanos) throws InterruptedException {
        long nanos = maxBlockNanos;
        for (Group slowest = slowest(newBase); slowest != null; slowest = slowest(newBase)) {
            if (nanos <= 0) {
                throw new BusRetriableException("Not stored in memory topic '" + name + "': "
                        + (slowest.name == null ? "a subscription without a group" : "group '" + slowest.name + "'")
                        + " has " + (end() - slowest.cursor) + " events it has not taken, and one more would drop "
                        + "some of them (" + retention() + "); publish waited "
                        + MemoryTransportProvider.MAX_BLOCK_CONFIG + "=" + TimeUnit.NANOSECONDS.toMillis(maxBlockNanos)
                        + " ms for it. Let its handlers keep up (more concurrency or members), resume it if paused, "
                        + "or raise the retention");
            }
            waitingPublishers++;
            try {
                nanos = room.awaitNanos(nanos);
            } finally {
                waitingPublishers--;
            }
            newBase = log.baseAfterAdding(size, retentionEvents, retentionBytes);
        }
        return newBase;
    }

    /** The live group furthest behind {@code offset}, or null when every live group has taken what is before it. */
    private Group slowest(long offset) {
        Group slowest = null;
        for (Group g : live) {
            if (g.cursor < offset && (slowest == null || g.cursor < slowest.cursor)) {
                slowest = g;
            }
        }
        return slowest;
    }

    /**
     * Joins the named group as a member, creating it at the start position when new (an existing group keeps its
     * cursor). A group with a member is live: appends wait for it rather than drop what it has not taken.
     */
    Group join(String groupName, StartPosition start) {
        lock.lock();
        try {
            return joined(groups.computeIfAbsent(groupName,
                    g -> new Group(g, start == StartPosition.EARLIEST ? log.base() : end())));
        } finally {
            lock.unlock();
        }
    }

    /** Joins a new group of one subscriber, not registered: it ends when that subscriber {@link #leave leaves}. */
    Group joinPrivate(StartPosition start) {
        lock.lock();
        try {
            return joined(new Group(null, start == StartPosition.EARLIEST ? log.base() : end()));
        } finally {
            lock.unlock();
        }
    }

    private Group joined(Group group) {
        if (group.members++ == 0) {
            live.add(group);
        }
        return group;
    }

    /**
     * A member left: a group without members is no longer waited for (retention drops what it has not taken, and it
     * skips ahead when a member joins again), so a publisher waiting for it goes on.
     */
    void leave(Group group) {
        lock.lock();
        try {
            if (--group.members == 0) {
                live.remove(group);
                room.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private long end() {
        return log.end();
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
            while (group.redeliveries.isEmpty() && Math.max(group.cursor, log.base()) >= end()) {
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
            if (group.cursor < log.base()) {
                dropped.accept(log.base() - group.cursor);   // fell behind retention: what was dropped is skipped
                group.cursor = log.base();
            }
            while (out.size() < max && group.cursor < end()) {
                long offset = group.cursor++;
                MemoryDelivery d = new MemoryDelivery(this, group, log.get(offset), offset, 1);
                d.trackIn(unsettled);
                out.add(d);
            }
            if (waitingPublishers > 0) {
                room.signalAll();
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
            return end() - Math.max(group.cursor, log.base()) + group.redeliveries.size();
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
        int members;
        /** Handed back, in log order: the next member sees a key's events in the order they were published. */
        final PriorityQueue<MemoryDelivery> redeliveries =
                new PriorityQueue<>(Comparator.comparingLong(MemoryDelivery::offset));

        Group(String name, long cursor) {
            this.name = name;
            this.cursor = cursor;
        }
    }
}
