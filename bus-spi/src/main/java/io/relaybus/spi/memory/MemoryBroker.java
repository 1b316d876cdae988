package io.relaybus.spi.memory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A broker inside the JVM: named, shared by every bus opened with that name, alive until the JVM exits (or
 * {@link #reset}). Thread safe.
 */
final class MemoryBroker {

    private static final Map<String, MemoryBroker> BROKERS = new ConcurrentHashMap<>();

    /** Runs delayed redeliveries for every broker; the work it does is a few list operations. */
    static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "relaybus-memory-timer");
        t.setDaemon(true);
        return t;
    });

    private final String name;
    private final long retention;
    private final Map<String, MemoryTopic> topics = new ConcurrentHashMap<>();

    private MemoryBroker(String name, long retention) {
        this.name = name;
        this.retention = retention;
    }

    /** The broker of that name, created on first use with the given retention. */
    static MemoryBroker named(String name, long retention) {
        return BROKERS.computeIfAbsent(name, n -> new MemoryBroker(n, retention));
    }

    /** Forgets the broker of that name, with all its topics and groups. */
    static void reset(String name) {
        BROKERS.remove(name);
    }

    String name() {
        return name;
    }

    MemoryTopic topic(String topic) {
        return topics.computeIfAbsent(topic, t -> new MemoryTopic(t, retention));
    }
}
