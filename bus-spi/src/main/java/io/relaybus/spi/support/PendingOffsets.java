package io.relaybus.spi.support;

import java.util.Arrays;

/**
 * The offsets of one partition that are being handled: a sorted set of {@code long}s made for how a consumer uses it
 * (see {@link OffsetTracker}, which builds the commit point on it).
 * Offsets are added in increasing order (an out-of-order add is allowed and kept sorted, at the cost of a shift) and
 * removed in any order; the smallest is read in constant time. Nothing is allocated per offset, unlike a
 * {@code TreeSet<Long>} (a boxed key and a tree node each).
 *
 * <p>Layout: the offsets sit in ascending order in {@code offsets[head, tail)}; a removed one stays in place, marked,
 * so the order (and binary search) holds, until the ends pass it or a compaction drops it. Removing is a binary
 * search; adding at the end is amortized constant.
 *
 * <p>Not thread safe: the caller guards it.
 */
public final class PendingOffsets {

    private long[] offsets = new long[16];
    private boolean[] removed = new boolean[16];
    private int head;
    private int tail;
    private int size;

    /** Adds {@code offset}; false when it is there already. */
    public boolean add(long offset) {
        if (tail > head && offset <= offsets[tail - 1]) {
            return insert(offset);
        }
        if (tail == offsets.length) {
            makeRoom();
        }
        offsets[tail] = offset;
        removed[tail] = false;
        tail++;
        size++;
        return true;
    }

    /** Removes {@code offset}; false when it was not there. */
    public boolean remove(long offset) {
        int i = Arrays.binarySearch(offsets, head, tail, offset);
        if (i < 0 || removed[i]) {
            return false;
        }
        removed[i] = true;
        size--;
        if (size == 0) {
            head = 0;
            tail = 0;
            return true;
        }
        while (removed[head]) {
            head++;
        }
        while (removed[tail - 1]) {
            tail--;
        }
        return true;
    }

    /** The smallest offset; only when not {@link #isEmpty()}. */
    public long first() {
        if (size == 0) {
            throw new IllegalStateException("no offset pending");
        }
        return offsets[head];
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int size() {
        return size;
    }

    private boolean insert(long offset) {
        int i = Arrays.binarySearch(offsets, head, tail, offset);
        if (i >= 0) {
            if (!removed[i]) {
                return false;
            }
            removed[i] = false;     // a marked slot with this very offset: it is back
            size++;
            return true;
        }
        if (tail == offsets.length) {
            makeRoom();
            i = Arrays.binarySearch(offsets, head, tail, offset);
        }
        int at = -i - 1;
        System.arraycopy(offsets, at, offsets, at + 1, tail - at);
        System.arraycopy(removed, at, removed, at + 1, tail - at);
        offsets[at] = offset;
        removed[at] = false;
        tail++;
        size++;
        return true;
    }

    /** Drops the marked slots and moves the rest to the front, growing when more than half is live. */
    private void makeRoom() {
        long[] to = size * 2 > offsets.length ? new long[offsets.length * 2] : offsets;
        boolean[] marks = to == offsets ? removed : new boolean[to.length];
        int n = 0;
        for (int i = head; i < tail; i++) {
            if (!removed[i]) {
                to[n] = offsets[i];
                marks[n] = false;
                n++;
            }
        }
        offsets = to;
        removed = marks;
        head = 0;
        tail = n;
    }
}
