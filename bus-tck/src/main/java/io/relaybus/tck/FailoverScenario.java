package io.relaybus.tck;

import io.relaybus.api.BusException;
import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.PublishReceipt;
import io.relaybus.api.StartPosition;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A steady stream through a broker cluster while nodes are killed: several publishers (each its own bus) publish
 * {@code events} keyed events at a steady rate into one topic, a group of several members (each its own bus) handles
 * them, and {@link Fault}s are injected one after another mid-stream (the first once a quarter of the events was
 * acknowledged, each further one once the previous one was healed and its share of the events acknowledged; a
 * publisher that reaches the next share before the fault was injected slows to one event per 250 ms until it was, so
 * every fault lands while events are being published). After the last heal it waits (bounded) for every publish to complete and every acknowledged event to be
 * handled, and returns a {@link Result}: what was acknowledged, failed, lost, handled twice, and per fault how long
 * it took until events flowed again.
 *
 * <p>Recovery per fault is measured from the kill to the first handled event that was acknowledged after the kill on
 * the affected shard (a Kafka partition, a JetStream stream: whatever {@code shardOf} derives from a receipt), i.e. an
 * event that went through the new leader end to end; also reported: the first acknowledgement on that shard after the
 * kill, and the first handled event of any shard after the kill (does the group keep consuming).
 *
 * <p>Not thread safe: one {@link #run()} at a time. The buses it opens are closed before {@code run} returns.
 */
public final class FailoverScenario {

    /** Each publisher's pace while it waits for a fault to be injected. */
    private static final long GATED_PERIOD_MS = 250;

    /** One fault: {@link #inject} kills something and says which shard it hits; {@link #heal} brings it back. */
    public interface Fault {
        /** What is killed, for the report, e.g. "partition leader". */
        String name();

        /**
         * Kills a node and returns once it is dead (the kill time is taken then). {@code ackedPerShard} is how many
         * events each shard acknowledged so far (to pick the busiest).
         *
         * @return the shard whose leader was killed, or null when the fault is not tied to one shard (a controller)
         */
        String inject(Map<String, Long> ackedPerShard) throws Exception;

        /** Restarts what {@link #inject} killed and waits until the cluster is whole again. */
        void heal() throws Exception;

        /** A human description of what was killed, once injected (e.g. "node 2"). */
        default String killed() {
            return "";
        }
    }

    /**
     * A {@link Fault} that kills one node, chosen by {@link #inject} through {@link #kill}, and heals by restarting
     * that node (and waiting until the cluster is whole, which {@code restart} does). Not thread safe: the scenario
     * injects and heals one fault at a time.
     *
     * @param <N> how the cluster names a node (a node id, a node object)
     */
    public abstract static class NodeKill<N> implements Fault {
        private final String name;
        private final Consumer<N> killer;
        private final Consumer<N> restart;
        private final Function<N, String> describe;
        private N victim;

        /**
         * @param name     what is killed, for the report
         * @param killer   kills a node (-9)
         * @param restart  restarts it and waits until the cluster is whole again
         * @param describe the node for the report, e.g. {@code n -> "node " + n}
         */
        protected NodeKill(String name, Consumer<N> killer, Consumer<N> restart, Function<N, String> describe) {
            this.name = name;
            this.killer = killer;
            this.restart = restart;
            this.describe = describe;
        }

        /** Kills {@code node}; {@link #heal()} restarts it. */
        protected final void kill(N node) {
            victim = node;
            killer.accept(node);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String killed() {
            return victim == null ? "" : describe.apply(victim);
        }

        @Override
        public void heal() {
            restart.accept(victim);
        }
    }

    private final Map<String, Object> busConfig;
    private final String topic;
    private final int events;
    private final int publishers;
    private final int members;
    private final Duration publishTime;
    private final Duration drainTimeout;
    private final Function<PublishReceipt, String> shardOf;
    private final List<Fault> faults;
    private final Map<String, Object> memberOverrides;

    private FailoverScenario(Builder b) {
        this.busConfig = Map.copyOf(b.busConfig);
        this.topic = b.topic;
        this.events = b.events;
        this.publishers = b.publishers;
        this.members = b.members;
        this.publishTime = b.publishTime;
        this.drainTimeout = b.drainTimeout;
        this.shardOf = b.shardOf;
        this.faults = List.copyOf(b.faults);
        this.memberOverrides = Map.copyOf(b.memberOverrides);
    }

    public static Builder builder(Map<String, Object> busConfig, String topic) {
        return new Builder(busConfig, topic);
    }

    /** Runs the scenario; see the class comment. Throws only for set-up failures; outcomes are in the result. */
    public Result run() throws Exception {
        List<EventBus> buses = new ArrayList<>();
        Map<String, Long> firstHandled = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> handledCount = new ConcurrentHashMap<>();
        Map<String, long[]> acks = new ConcurrentHashMap<>();          // id -> {ack nanos}
        Map<String, String> ackShard = new ConcurrentHashMap<>();
        Map<String, Long> ackedPerShard = new ConcurrentHashMap<>();
        List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>();
        Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
        AtomicLong acked = new AtomicLong();
        AtomicLong published = new AtomicLong();
        int k = faults.size();
        CountDownLatch[] injected = new CountDownLatch[k];
        for (int i = 0; i < k; i++) {
            injected[i] = new CountDownLatch(1);
        }
        List<FaultReport> reports = new ArrayList<>();
        long started = System.nanoTime();
        try {
            for (int m = 0; m < members; m++) {
                Map<String, Object> config = new LinkedHashMap<>(busConfig);
                config.put("bus.client.id", "failover-member-" + m);
                config.putAll(memberOverrides);
                EventBus bus = EventBus.open(config);
                buses.add(bus);
                Subscription s = bus.subscribe(SubscribeOptions.builder(topic).group("failover-" + topic)
                        .concurrency(4).startFrom(StartPosition.EARLIEST).build(), event -> {
                            firstHandled.putIfAbsent(event.id(), System.nanoTime());
                            handledCount.computeIfAbsent(event.id(), id -> new AtomicInteger()).incrementAndGet();
                        });
                s.ready().toCompletableFuture().get(120, TimeUnit.SECONDS);
            }
            List<Thread> threads = new ArrayList<>();
            int perPublisher = (events + publishers - 1) / publishers;
            long periodNanos = publishTime.toNanos() / Math.max(1, perPublisher);
            for (int p = 0; p < publishers; p++) {
                Map<String, Object> config = new LinkedHashMap<>(busConfig);
                config.put("bus.client.id", "failover-publisher-" + p);
                EventBus bus = EventBus.open(config);
                buses.add(bus);
                int publisher = p;
                Thread t = new Thread(() -> {
                    long due = System.nanoTime();
                    for (int j = 0; j < perPublisher; j++) {
                        int seq = j * publishers + publisher;
                        if (seq >= events) {
                            break;
                        }
                        boolean gated = false;
                        for (int f = 0; f < k; f++) {
                            gated |= seq >= (long) (f + 2) * events / (k + 2) && injected[f].getCount() > 0;
                        }
                        if (gated) {
                            // Ahead of a fault that is not injected yet (the previous one is still healing): a
                            // trickle, so that events are in flight when it comes, then the steady rate again.
                            sleepQuietly(GATED_PERIOD_MS);
                            due = System.nanoTime();
                        } else {
                            due += periodNanos;
                            long wait;
                            while ((wait = due - System.nanoTime()) > 0) {
                                LockSupport.parkNanos(wait);
                            }
                        }
                        Event event = Event.builder(topic).key("k" + (seq % 64)).header("seq", Integer.toString(seq))
                                .payload("event-" + seq).build();
                        CompletableFuture<PublishReceipt> f = bus.publish(event).toCompletableFuture();
                        published.incrementAndGet();
                        f.whenComplete((r, error) -> {
                            if (error == null) {
                                acks.put(r.eventId(), new long[] {System.nanoTime()});
                                String shard = shardOf.apply(r);
                                ackShard.put(r.eventId(), shard);
                                ackedPerShard.merge(shard, 1L, Long::sum);
                                acked.incrementAndGet();
                            } else {
                                failures.computeIfAbsent(describe(error), x -> new AtomicInteger()).incrementAndGet();
                            }
                        });
                        synchronized (futures) {
                            futures.add(f);
                        }
                    }
                }, "failover-publisher-" + p);
                t.setDaemon(true);
                threads.add(t);
            }
            threads.forEach(Thread::start);

            for (int f = 0; f < k; f++) {
                long threshold = (long) (f + 1) * events / (k + 2);
                Received.await(drainTimeout, "acknowledged " + threshold + " events before fault " + (f + 1)
                        + " (acknowledged " + acked.get() + ")", () -> acked.get() >= threshold);
                Fault fault = faults.get(f);
                Map<String, Long> snapshot = Map.copyOf(ackedPerShard);
                String shard = fault.inject(snapshot);
                long killedAt = System.nanoTime();      // inject returns once the node is dead
                long publishedAtKill = published.get();
                injected[f].countDown();
                long healStart = System.nanoTime();
                fault.heal();
                reports.add(new FaultReport(fault.name(), fault.killed(), shard, killedAt, publishedAtKill,
                        System.nanoTime() - healStart));
            }
            for (Thread t : threads) {
                t.join(publishTime.plus(drainTimeout).toMillis());
            }
            long hung = 0;
            List<CompletableFuture<PublishReceipt>> all;
            synchronized (futures) {
                all = new ArrayList<>(futures);
            }
            long deadline = System.nanoTime() + drainTimeout.toNanos();
            for (CompletableFuture<PublishReceipt> f : all) {
                try {
                    f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (ExecutionException e) {
                    // counted in failures
                } catch (TimeoutException e) {
                    hung++;
                }
            }
            long acknowledged = acked.get();
            try {
                Received.await(drainTimeout, "every acknowledged event handled", () ->
                        firstHandled.keySet().containsAll(acks.keySet()));
            } catch (AssertionError stalled) {
                // reported as lost below
            }
            List<String> lost = acks.keySet().stream().filter(id -> !firstHandled.containsKey(id)).sorted()
                    .limit(20).collect(Collectors.toList());
            long lostCount = acks.keySet().stream().filter(id -> !firstHandled.containsKey(id)).count();
            long duplicates = handledCount.values().stream().mapToLong(c -> c.get() - 1).sum();
            List<FaultOutcome> outcomes = new ArrayList<>();
            for (FaultReport r : reports) {
                outcomes.add(outcome(r, firstHandled, acks, ackShard));
            }
            int failed = failures.values().stream().mapToInt(AtomicInteger::get).sum();
            return new Result(events, published.get(), acknowledged, failed, Map.copyOf(counts(failures)), hung,
                    firstHandled.size(), lostCount, lost, duplicates, outcomes,
                    Duration.ofNanos(System.nanoTime() - started));
        } finally {
            for (EventBus bus : buses) {
                try {
                    bus.close();
                } catch (RuntimeException ignored) {
                    // the result is what matters; a close failure shows in the logs
                }
            }
        }
    }

    private static Map<String, Integer> counts(Map<String, AtomicInteger> failures) {
        Map<String, Integer> m = new LinkedHashMap<>();
        failures.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    private static FaultOutcome outcome(FaultReport r, Map<String, Long> firstHandled, Map<String, long[]> acks,
                                        Map<String, String> ackShard) {
        long firstAnyHandled = Long.MAX_VALUE;
        long firstShardAck = Long.MAX_VALUE;
        long firstShardHandled = Long.MAX_VALUE;
        for (Map.Entry<String, long[]> e : acks.entrySet()) {
            long ackAt = e.getValue()[0];
            if (ackAt <= r.killedAt || (r.shard != null && !r.shard.equals(ackShard.get(e.getKey())))) {
                continue;
            }
            firstShardAck = Math.min(firstShardAck, ackAt);
            Long handled = firstHandled.get(e.getKey());
            if (handled != null) {
                firstShardHandled = Math.min(firstShardHandled, handled);
            }
        }
        for (long handled : firstHandled.values()) {
            if (handled > r.killedAt) {
                firstAnyHandled = Math.min(firstAnyHandled, handled);
            }
        }
        return new FaultOutcome(r.name, r.killed, r.shard, r.publishedAtKill, millis(firstAnyHandled, r.killedAt),
                millis(firstShardAck, r.killedAt), millis(firstShardHandled, r.killedAt),
                Duration.ofNanos(r.healNanos));
    }

    private static Duration millis(long at, long from) {
        return at == Long.MAX_VALUE ? null : Duration.ofNanos(at - from);
    }

    private static String describe(Throwable error) {
        Throwable t = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        String type = t instanceof BusException ? t.getClass().getSimpleName() : "NOT A BusException: "
                + t.getClass().getName();
        String message = String.valueOf(t.getMessage()).replaceAll("event [0-9a-f-]{36}", "event <id>")
                .replaceAll("\\d+ ms", "<n> ms");
        return type + ": " + (message.length() > 300 ? message.substring(0, 300) + "..." : message);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record FaultReport(String name, String killed, String shard, long killedAt, long publishedAtKill,
                               long healNanos) {
    }

    /**
     * What happened around one fault. Durations are from the kill; null when it never happened.
     *
     * @param firstHandledAnyShard       first event handled after the kill (any shard): the group kept consuming
     * @param firstAckOnShard            first acknowledgement after the kill on the affected shard (all, if none)
     * @param firstHandledAckedAfterKill first handled event among those acknowledged after the kill on that shard:
     *                                   the recovery time end to end
     * @param healTime                   how long restarting the node and waiting until the cluster was whole took
     */
    public record FaultOutcome(String name, String killed, String shard, long publishedAtKill,
                               Duration firstHandledAnyShard, Duration firstAckOnShard,
                               Duration firstHandledAckedAfterKill, Duration healTime) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s (%s%s) killed after %d published: first handled event after %s, "
                            + "first ack on %s after %s, recovery (first handled event acknowledged after the kill%s) "
                            + "%s; heal %s", name, killed, shard == null ? "" : ", shard " + shard, publishedAtKill,
                    ms(firstHandledAnyShard), shard == null ? "any shard" : "that shard", ms(firstAckOnShard),
                    shard == null ? "" : " on that shard", ms(firstHandledAckedAfterKill), ms(healTime));
        }

        private static String ms(Duration d) {
            return d == null ? "never" : d.toMillis() + " ms";
        }
    }

    /**
     * The outcome. {@code lost} is acknowledged but never handled (at most 20 ids listed in {@code lostIds});
     * {@code hung} is publishes whose future neither completed nor failed within the drain timeout.
     */
    public record Result(int events, long published, long acknowledged, long failed, Map<String, Integer> failures,
                         long hung, long handledUnique, long lost, List<String> lostIds, long duplicates,
                         List<FaultOutcome> faults, Duration elapsed) {
        /** A multi-line report for the test log. */
        public String report(String title) {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "[failover] %s: %d events, %d published, %d acknowledged, %d failed, "
                            + "%d hung, %d handled, %d lost, %d duplicates, %d s%n", title, events, published,
                    acknowledged, failed, hung, handledUnique, lost, duplicates, elapsed.toSeconds()));
            for (FaultOutcome f : faults) {
                sb.append("[failover]   ").append(f).append(System.lineSeparator());
            }
            failures.forEach((message, count) -> sb.append("[failover]   ").append(count).append(" x ")
                    .append(message).append(System.lineSeparator()));
            if (lost > 0) {
                sb.append("[failover]   lost ids (first 20): ").append(lostIds).append(System.lineSeparator());
            }
            return sb.toString();
        }

        /**
         * Checks what every transport must keep through its failovers: no publish hung, no acknowledged event was
         * lost, and after each kill the group handled an event acknowledged after it (it resumed).
         *
         * @throws AssertionError naming the first guarantee broken, followed by the {@link #report}
         */
        public void assertNothingLostOrHung() {
            if (hung != 0) {
                throw new AssertionError(hung + " publishes neither completed nor failed within their timeout\n"
                        + report(""));
            }
            if (lost != 0) {
                throw new AssertionError(lost + " acknowledged events were never handled\n" + report(""));
            }
            for (FaultOutcome f : faults) {
                if (f.firstHandledAckedAfterKill() == null) {
                    throw new AssertionError("the group handled no event acknowledged after the kill: " + f + "\n"
                            + report(""));
                }
            }
        }
    }

    /** Options; finish with {@link #build()}. */
    public static final class Builder {
        private final Map<String, Object> busConfig;
        private final String topic;
        private int events = 6_000;
        private int publishers = 3;
        private int members = 3;
        private Duration publishTime = Duration.ofSeconds(45);
        private Duration drainTimeout = Duration.ofSeconds(120);
        private Function<PublishReceipt, String> shardOf = r -> r.topic();
        private final List<Fault> faults = new ArrayList<>();
        private final Map<String, Object> memberOverrides = new LinkedHashMap<>();

        private Builder(Map<String, Object> busConfig, String topic) {
            this.busConfig = Objects.requireNonNull(busConfig, "busConfig");
            this.topic = Objects.requireNonNull(topic, "topic");
        }

        /** How many events in all; 6,000 by default. */
        public Builder events(int events) {
            this.events = events;
            return this;
        }

        /** Concurrent publishers, each its own bus; 3 by default. */
        public Builder publishers(int publishers) {
            this.publishers = publishers;
            return this;
        }

        /** Members of the consumer group, each its own bus; 3 by default. */
        public Builder members(int members) {
            this.members = members;
            return this;
        }

        /** Over how long the events are published, at a steady rate; 45 s by default. */
        public Builder publishTime(Duration publishTime) {
            this.publishTime = publishTime;
            return this;
        }

        /** How long to wait for progress (acknowledgements, deliveries) before giving up; 120 s by default. */
        public Builder drainTimeout(Duration drainTimeout) {
            this.drainTimeout = drainTimeout;
            return this;
        }

        /** The shard (partition, stream) a receipt is on; by default the topic. */
        public Builder shardOf(Function<PublishReceipt, String> shardOf) {
            this.shardOf = shardOf;
            return this;
        }

        /** Adds a fault; they are injected in the order added. */
        public Builder fault(Fault fault) {
            faults.add(fault);
            return this;
        }

        /** Extra configuration for the group members' buses only. */
        public Builder memberProperty(String key, Object value) {
            memberOverrides.put(key, value);
            return this;
        }

        public FailoverScenario build() {
            return new FailoverScenario(this);
        }
    }
}
