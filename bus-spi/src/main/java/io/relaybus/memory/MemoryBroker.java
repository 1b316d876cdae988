package io.relaybus.memory;

import io.relaybus.api.BusConfigException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A broker inside the JVM: named, shared by every bus opened with that name, alive until the JVM exits (or
 * {@link #reset}). Its storage (topic logs, groups and their positions) outlives every bus; {@link #restart} stands
 * in for a broker restart. Thread safe.
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
    private final long retentionEvents;
    private final long retentionBytes;
    private final Map<String, MemoryTopic> topics = new ConcurrentHashMap<>();
    private final Set<MemorySubscription> subscriptions = ConcurrentHashMap.newKeySet();

    private MemoryBroker(String name, long retentionEvents, long retentionBytes) {
        this.name = name;
        this.retentionEvents = retentionEvents;
        this.retentionBytes = retentionBytes;
    }

    /**
     * The broker of that name, created on first use with the given retention (events and bytes per topic).
     *
     * @throws BusConfigException when the broker is open already with another retention: one broker has one, as a
     *                            real broker's is its own and not its clients'; a second bus asking for another would
     *                            otherwise get the first one's without being told
     */
    static MemoryBroker named(String name, long retentionEvents, long retentionBytes) {
        MemoryBroker broker = BROKERS.computeIfAbsent(name, n -> new MemoryBroker(n, retentionEvents, retentionBytes));
        List<BusConfigException.Problem> problems = new ArrayList<>();
        if (broker.retentionEvents != retentionEvents) {
            problems.add(conflict(MemoryTransportProvider.RETENTION_CONFIG, retentionEvents, broker.retentionEvents,
                    name));
        }
        if (broker.retentionBytes != retentionBytes) {
            problems.add(conflict(MemoryTransportProvider.RETENTION_BYTES_CONFIG, retentionBytes,
                    broker.retentionBytes, name));
        }
        if (!problems.isEmpty()) {
            throw new BusConfigException(problems);
        }
        return broker;
    }

    private static BusConfigException.Problem conflict(String key, long asked, long inUse, String broker) {
        return new BusConfigException.Problem(key, Long.toString(asked), "the in-JVM broker '" + broker + "' ("
                + MemoryTransportProvider.BROKER_CONFIG + ") is open already with " + inUse + ", from the first bus "
                + "that opened it, and keeps it while it exists; give every bus on that broker the same value, or "
                + "give this bus a broker of its own (another " + MemoryTransportProvider.BROKER_CONFIG + ")");
    }

    /** Forgets the broker of that name, with all its topics and groups. */
    static void reset(String name) {
        BROKERS.remove(name);
    }

    /**
     * Restarts the broker of that name over the same storage, as a real broker comes back from its disk: logs,
     * groups and their positions are kept; every delivery handed out and not settled yet is forgotten and handed to
     * its group again (what a broker does for the consumers of the connections it lost), and settling a forgotten
     * delivery later changes nothing. Returns false when no broker of that name exists.
     */
    static boolean restart(String name) {
        MemoryBroker broker = BROKERS.get(name);
        if (broker == null) {
            return false;
        }
        broker.subscriptions.forEach(MemorySubscription::forgetUnsettled);
        return true;
    }

    /**
     * What group {@code group} of {@code topic} on the broker {@code name} still has to settle (see
     * {@link MemoryTopic#unsettled}); 0 when there is no such broker, topic or group. For tests that must wait
     * until a group has nothing in flight.
     */
    static long unsettled(String name, String topic, String group) {
        MemoryBroker broker = BROKERS.get(name);
        MemoryTopic t = broker == null ? null : broker.topics.get(topic);
        return t == null ? 0 : t.unsettled(group, broker.subscriptions);
    }

    void attach(MemorySubscription subscription) {
        subscriptions.add(subscription);
    }

    void detach(MemorySubscription subscription) {
        subscriptions.remove(subscription);
    }

    String name() {
        return name;
    }

    MemoryTopic topic(String topic) {
        MemoryTopic existing = topics.get(topic);   // every publish asks: no lambda, no bin lock when it exists
        return existing != null ? existing : topics.computeIfAbsent(topic,
                t -> new MemoryTopic(t, retentionEvents, retentionBytes));
    }
}
