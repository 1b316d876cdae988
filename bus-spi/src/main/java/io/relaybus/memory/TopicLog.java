package io.relaybus.memory;

import io.relaybus.api.Event;

/**
 * The events of one topic from offset {@link #base()} up to {@link #end()}, oldest first, in a ring that grows as
 * needed and drops from its head, each event with its size as counted against {@code memory.retention.bytes}. Not
 * thread safe: guarded by its topic's lock.
 */
final class TopicLog {

    private Event[] events = new Event[16];
    private int[] sizes = new int[16];
    private int head;      // index of base
    private int count;
    private long base;
    private long bytes;

    /** The offset of the oldest event kept. */
    long base() {
        return base;
    }

    /** The offset the next event gets. */
    long end() {
        return base + count;
    }

    /** How many events are kept. */
    int count() {
        return count;
    }

    /** The event at {@code offset}, which must be in [{@link #base()}, {@link #end()}). */
    Event get(long offset) {
        return events[(head + (int) (offset - base)) & (events.length - 1)];
    }

    void add(Event event, int size) {
        if (count == events.length) {
            grow();
        }
        int i = (head + count) & (events.length - 1);
        events[i] = event;
        sizes[i] = size;
        count++;
        bytes += size;
    }

    /** Drops the oldest events until {@code newBase} is the base (it must not be past {@link #end()}). */
    void dropUntil(long newBase) {
        while (base < newBase) {
            events[head] = null;
            bytes -= sizes[head];
            head = (head + 1) & (events.length - 1);
            count--;
            base++;
        }
    }

    /**
     * The base after adding an event of {@code size} bytes and dropping the oldest until at most {@code maxEvents}
     * and {@code maxBytes} are kept; the added event itself is always kept.
     */
    long baseAfterAdding(int size, long maxEvents, long maxBytes) {
        long n = count + 1L;
        long b = bytes + size;
        long newBase = base;
        for (int i = head; n > 1 && (n > maxEvents || b > maxBytes); i = (i + 1) & (events.length - 1)) {
            b -= sizes[i];
            n--;
            newBase++;
        }
        return newBase;
    }

    private void grow() {
        Event[] e = new Event[events.length * 2];
        int[] s = new int[e.length];
        for (int k = 0; k < count; k++) {
            int i = (head + k) & (events.length - 1);
            e[k] = events[i];
            s[k] = sizes[i];
        }
        events = e;
        sizes = s;
        head = 0;
    }
}
