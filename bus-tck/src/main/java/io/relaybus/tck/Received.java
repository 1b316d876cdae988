package io.relaybus.tck;

import io.relaybus.api.Event;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/** Collects what handlers received, counting each event id, and waits for conditions with a deadline. Thread safe. */
public final class Received {

    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final List<Event> events = new ArrayList<>();

    /** Records an event; use as (or inside) a handler. */
    public void add(Event event) {
        counts.computeIfAbsent(event.id(), id -> new AtomicInteger()).incrementAndGet();
        synchronized (events) {
            events.add(event);
        }
    }

    public List<Event> events() {
        synchronized (events) {
            return new ArrayList<>(events);
        }
    }

    public Set<String> ids() {
        return Set.copyOf(counts.keySet());
    }

    public int total() {
        synchronized (events) {
            return events.size();
        }
    }

    public int unique() {
        return counts.size();
    }

    /** Handled more than once: the sum over ids of (count - 1). */
    public int duplicates() {
        return counts.values().stream().mapToInt(c -> c.get() - 1).sum();
    }

    public boolean containsAll(Collection<String> ids) {
        return counts.keySet().containsAll(ids);
    }

    public Set<String> missing(Collection<String> ids) {
        return ids.stream().filter(id -> !counts.containsKey(id)).collect(Collectors.toSet());
    }

    /** Waits until {@code condition} holds; fails with {@code what} and the state after {@code timeout}. */
    public static void await(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout + " waiting until " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted waiting until " + what);
            }
        }
    }
}
