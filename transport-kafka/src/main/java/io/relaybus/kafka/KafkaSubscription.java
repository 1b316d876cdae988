package io.relaybus.kafka;

import io.relaybus.api.BusConfigException;
import io.relaybus.api.BusException;
import io.relaybus.api.BusFatalException;
import io.relaybus.api.BusRetriableException;
import io.relaybus.api.StartPosition;
import io.relaybus.spi.DeliverySink;
import io.relaybus.spi.SubscriptionSpec;
import io.relaybus.spi.TransportSubscription;
import io.relaybus.spi.config.ConfigValues;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One subscription: its own {@link KafkaConsumer}, driven by one poll thread, handing records to the runtime's sink.
 *
 * <p><b>Order and backpressure.</b> Records wait in one queue in fetch order (so per partition in offset order) and
 * are offered in that order. When the sink refuses one, the queue stops, every assigned partition is paused, and
 * the thread keeps polling (so the consumer stays in its group: max.poll.interval.ms is never exceeded by a slow
 * handler) while it waits for room, then offers the refused record first and resumes the partitions.
 *
 * <p><b>Commits (group subscriptions).</b> Every {@code kafka.commit.interval.ms} the offsets below which every record
 * was acknowledged (see {@link PartitionState}) are committed asynchronously; synchronously when partitions are
 * revoked and when the subscription closes. A commit never passes a record that is still being handled.
 *
 * <p><b>Rebalances.</b> On revocation the queued records of the revoked partitions are dropped (the next owner reads
 * them from the committed offset), the thread waits up to {@code kafka.rebalance.drain.timeout.ms} for their records
 * that are being handled, and commits what completed. Acknowledgements arriving later belong to a discarded state
 * and are never committed. Lost partitions (the member was expelled) are dropped without a commit.
 *
 * <p><b>Readiness.</b> {@link #ready()} completes once partitions are assigned (possibly none, when the group has
 * more members than partitions), each assigned partition's position is resolved, and every partition of the topic
 * has a committed offset in the group. A new group's position (from {@code startFrom}) is committed at once, so
 * events published after ready are never skipped, even if the partition moves to another member before this one
 * committed anything (see {@link #checkGroupReady()}).
 *
 * <p><b>Without a group</b> the consumer has no group id: it assigns itself every partition of the topic, seeks to the
 * beginning or the end, and never commits. No join, so ready is fast; no throwaway groups left on the broker.
 *
 * <p>Threading: the consumer is touched only by the poll thread; {@link #pause()}, {@link #resume()},
 * {@link #stopIntake()} and {@link #close()} set flags and may be called from any thread.
 */
final class KafkaSubscription implements TransportSubscription {

    private static final System.Logger LOG = System.getLogger(KafkaSubscription.class.getName());
    private static final Duration POLL = Duration.ofMillis(100);
    private static final long PARTITION_REFRESH_MS = 30_000;

    private final SubscriptionSpec spec;
    private final DeliverySink sink;
    private final Map<String, Object> properties;
    private final KafkaTopics topics;
    private final String bootstrap;
    private final Duration maxBlock;
    private final long commitIntervalMs;
    private final long drainTimeoutMs;
    private final long readyTimeoutMs;
    private final Consumer<KafkaSubscription> onClosed;
    private final boolean grouped;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Thread thread;
    private volatile boolean paused;
    private volatile boolean intakeStopped;
    private volatile boolean closeRequested;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    // Poll thread only.
    private final ArrayDeque<KafkaDelivery> queued = new ArrayDeque<>();
    private final Map<TopicPartition, PartitionState> owned = new HashMap<>();
    private boolean refused;
    private boolean partitionsPaused;
    private long nextCommit;
    private long nextPartitionRefresh;
    private boolean assignedOnce;
    private long nextReadyCheck;

    KafkaSubscription(SubscriptionSpec spec, DeliverySink sink, Map<String, Object> properties, KafkaTopics topics,
                      String bootstrap, ConfigValues config, Duration maxBlock, Consumer<KafkaSubscription> onClosed) {
        this.spec = spec;
        this.sink = sink;
        this.properties = properties;
        this.topics = topics;
        this.bootstrap = bootstrap;
        this.maxBlock = maxBlock;
        this.commitIntervalMs = config.getLong(KafkaConfig.COMMIT_INTERVAL_CONFIG);
        this.drainTimeoutMs = config.getLong(KafkaConfig.REBALANCE_DRAIN_CONFIG);
        this.readyTimeoutMs = config.getLong(KafkaConfig.READY_TIMEOUT_CONFIG);
        this.onClosed = onClosed;
        this.grouped = spec.group() != null;
        this.thread = new Thread(this::run, "relaybus-kafka-poll-" + spec.describe());
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public CompletableFuture<Void> ready() {
        return ready;
    }

    /** The sum of the consumer's per-partition {@code records-lag} metrics; empty until it fetched a partition. */
    @Override
    public OptionalLong lag() {
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c == null) {
            return OptionalLong.empty();
        }
        long sum = 0;
        boolean known = false;
        for (Map.Entry<MetricName, ? extends Metric> m : c.metrics().entrySet()) {
            if (m.getKey().name().equals("records-lag") && m.getKey().group().equals("consumer-fetch-manager-metrics")
                    && m.getValue().metricValue() instanceof Double d && !d.isNaN()) {
                sum += d.longValue();
                known = true;
            }
        }
        return known ? OptionalLong.of(sum) : OptionalLong.empty();
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        KafkaConsumer<byte[], byte[]> c = consumer;
        return type.isInstance(c) ? Optional.of(type.cast(c)) : Optional.empty();
    }

    @Override
    public void pause() {
        paused = true;
    }

    @Override
    public void resume() {
        paused = false;
    }

    @Override
    public void stopIntake() {
        intakeStopped = true;
    }

    @Override
    public void close() {
        intakeStopped = true;
        closeRequested = true;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(drainTimeoutMs + maxBlock.toMillis() + 10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                LOG.log(System.Logger.Level.WARNING, "Kafka subscription {0}: the poll thread did not stop in time",
                        spec.describe());
            }
        }
    }

    private void run() {
        long readyDeadline = System.currentTimeMillis() + readyTimeoutMs;
        try {
            if (!prepareTopic(readyDeadline)) {
                return;
            }
            try {
                consumer = new KafkaConsumer<>(properties);
            } catch (ConfigException e) {
                throw new BusConfigException(KafkaConfig.CONSUMER_PREFIX + "*", null, "the Kafka consumer refused its "
                        + "settings: " + e.getMessage());
            }
            if (closeRequested) {
                return;
            }
            List<PartitionInfo> partitions = awaitTopicMetadata(readyDeadline);
            if (grouped) {
                consumer.subscribe(List.of(spec.topic()), new Rebalance());
            } else {
                assignPartitions(partitions);
            }
            nextCommit = System.currentTimeMillis() + commitIntervalMs;
            while (!closeRequested) {
                try {
                    step();
                } catch (WakeupException e) {
                    // close() woke us up; the loop condition decides
                } catch (RuntimeException e) {
                    if (e instanceof BusException || isFatal(KafkaErrors.unwrap(e)) || isFatal(e.getCause())) {
                        throw e;
                    }
                    LOG.log(System.Logger.Level.WARNING, "Kafka subscription " + spec.describe() + ": polling "
                            + "failed; trying again in 500 ms", e);
                    sleepQuietly(500);
                }
                if (!ready.isDone() && System.currentTimeMillis() > readyDeadline) {
                    ready.completeExceptionally(new BusRetriableException("Subscription to " + spec.describe()
                            + " was not assigned partitions by the Kafka brokers at " + bootstrap + " within "
                            + readyTimeoutMs + " ms (" + KafkaConfig.READY_TIMEOUT_CONFIG + "); check that the brokers "
                            + "are reachable and the group coordinator is available. It keeps trying."));
                }
            }
        } catch (RuntimeException | Error e) {
            BusException failure = e instanceof BusException ? (BusException) e
                    : KafkaErrors.translate(e, "Consuming " + spec.describe(), bootstrap);
            if (!ready.completeExceptionally(failure)) {
                LOG.log(System.Logger.Level.ERROR, "Kafka subscription " + spec.describe() + " stopped", e);
            }
        } finally {
            shutdown();
        }
    }

    /** Checks or creates the topic, retrying while the brokers do not answer; false when closed first. */
    private boolean prepareTopic(long readyDeadline) {
        while (!closeRequested) {
            try {
                topics.ensure(spec.topic(), maxBlock);
                return true;
            } catch (BusRetriableException e) {
                if (System.currentTimeMillis() > readyDeadline) {
                    ready.completeExceptionally(e);
                }
                LOG.log(System.Logger.Level.WARNING, "Kafka subscription {0}: {1}", spec.describe(), e.getMessage());
                sleepQuietly(1000);
            }
        }
        return false;
    }

    /**
     * Waits until this consumer's own metadata knows the topic's partitions. Subscribing before that would let the
     * first assignment come back empty for a topic just created, and ready() would complete too early.
     */
    private List<PartitionInfo> awaitTopicMetadata(long readyDeadline) {
        while (!closeRequested) {
            try {
                List<PartitionInfo> parts = consumer.partitionsFor(spec.topic(), maxBlock);
                if (parts != null && !parts.isEmpty()) {
                    return parts;
                }
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                LOG.log(System.Logger.Level.DEBUG, "No metadata for {0} yet", spec.topic());
            } catch (WakeupException e) {
                break;
            }
            if (System.currentTimeMillis() > readyDeadline && !ready.isDone()) {
                ready.completeExceptionally(new BusRetriableException("No partition metadata for Kafka topic "
                        + spec.topic() + " from the brokers at " + bootstrap + " within " + readyTimeoutMs + " ms"));
            }
            sleepQuietly(50);
        }
        return List.of();
    }

    /** Groupless: every partition of the topic, positioned from startFrom; new partitions are picked up later. */
    private void assignPartitions(List<PartitionInfo> parts) {
        Set<TopicPartition> all = new HashSet<>();
        parts.forEach(p -> all.add(new TopicPartition(p.topic(), p.partition())));
        List<TopicPartition> added = new ArrayList<>(all);
        added.removeAll(owned.keySet());
        if (added.isEmpty()) {
            return;
        }
        all.addAll(owned.keySet());
        consumer.assign(all);
        // On the first assignment startFrom decides; partitions added later hold only events newer than this
        // subscription, so they are read from their beginning.
        if (owned.isEmpty() && spec.startFrom() == StartPosition.LATEST) {
            consumer.seekToEnd(added);
        } else {
            consumer.seekToBeginning(added);
        }
        for (TopicPartition tp : added) {
            owned.put(tp, new PartitionState(tp, consumer.position(tp, maxBlock)));
        }
        if (partitionsPaused) {
            consumer.pause(added);
        }
        nextPartitionRefresh = System.currentTimeMillis() + PARTITION_REFRESH_MS;
        ready.complete(null);
    }

    /**
     * A group subscription is ready once this member was assigned its partitions (possibly none) and positioned them,
     * and every partition of the topic has a committed offset in the group: ours, committed on assignment, or another
     * member's. Only then is an event published from now on sure to be read: a member can be handed an empty
     * assignment first and its partitions a heartbeat later (KIP-848 does this), and a partition that no member has
     * positioned yet would start from the log end as it is when someone finally does, skipping what came before.
     */
    private void checkGroupReady() {
        if (ready.isDone()) {
            return;
        }
        Set<TopicPartition> all = new HashSet<>();
        consumer.partitionsFor(spec.topic(), maxBlock).forEach(p -> all.add(new TopicPartition(p.topic(),
                p.partition())));
        if (all.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(all, maxBlock);
        if (all.stream().allMatch(tp -> committed.get(tp) != null)) {
            ready.complete(null);
        }
    }

    /** Groupless: picks up partitions added to the topic; one short metadata look-up, skipped when it fails. */
    private void refreshPartitions() {
        List<PartitionInfo> parts;
        try {
            parts = consumer.partitionsFor(spec.topic(), Duration.ofSeconds(1));
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            return;   // the brokers are busy or away; try again at the next refresh
        }
        if (parts != null && !parts.isEmpty()) {
            assignPartitions(parts);
        }
    }

    /** One round: offer what is queued, pause or resume, poll, commit when due. */
    private void step() {
        boolean intake = !paused && !intakeStopped;
        if (intakeStopped && !queued.isEmpty()) {
            queued.clear();   // never offered, never committed: the group's next reader gets them
        }
        if (intake) {
            offerQueued();
        }
        boolean hold = !intake || refused;
        if (hold != partitionsPaused) {
            if (hold) {
                consumer.pause(consumer.assignment());
            } else {
                consumer.resume(consumer.paused());
            }
            partitionsPaused = hold;
        }
        if (intake && refused) {
            try {
                sink.awaitCapacity(POLL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closeRequested = true;
                return;
            }
            enqueue(consumer.poll(Duration.ZERO));
        } else {
            enqueue(consumer.poll(POLL));
        }
        long now = System.currentTimeMillis();
        if (grouped && assignedOnce && !ready.isDone() && now >= nextReadyCheck) {
            nextReadyCheck = now + POLL.toMillis();
            checkGroupReady();
        }
        if (grouped && now >= nextCommit) {
            commitAsync();
            nextCommit = now + commitIntervalMs;
        }
        if (!grouped && now >= nextPartitionRefresh) {
            nextPartitionRefresh = now + PARTITION_REFRESH_MS;
            refreshPartitions();
        }
    }

    private void enqueue(ConsumerRecords<byte[], byte[]> records) {
        for (ConsumerRecord<byte[], byte[]> r : records) {
            PartitionState state = owned.get(new TopicPartition(r.topic(), r.partition()));
            if (state != null) {
                queued.add(new KafkaDelivery(RecordCodec.toEvent(r), state, r.offset()));
            }
        }
    }

    /** Offers queued records in order until one is refused. */
    private void offerQueued() {
        refused = false;
        while (!queued.isEmpty()) {
            KafkaDelivery d = queued.peek();
            d.state().beforeOffer(d.offset());
            if (!sink.offer(d)) {
                refused = true;
                return;
            }
            d.state().offered(d.offset());
            queued.poll();
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> committable(Collection<PartitionState> states) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (PartitionState s : states) {
            long c = s.committable();
            if (c > s.lastCommitted) {
                offsets.put(s.partition, new OffsetAndMetadata(c));
            }
        }
        return offsets;
    }

    private void commitAsync() {
        Map<TopicPartition, OffsetAndMetadata> offsets = committable(owned.values());
        if (offsets.isEmpty()) {
            return;
        }
        Map<TopicPartition, PartitionState> states = new HashMap<>(owned);
        consumer.commitAsync(offsets, (done, error) -> {
            if (error != null) {
                LOG.log(System.Logger.Level.DEBUG, "Kafka subscription {0}: commit failed, retried at the next "
                        + "interval: {1}", spec.describe(), error.toString());
                return;
            }
            done.forEach((tp, om) -> {
                PartitionState s = states.get(tp);
                if (s != null && om.offset() > s.lastCommitted) {
                    s.lastCommitted = om.offset();
                }
            });
        });
    }

    private void commitSync(Collection<PartitionState> states) {
        Map<TopicPartition, OffsetAndMetadata> offsets = committable(states);
        if (offsets.isEmpty()) {
            return;
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                consumer.commitSync(offsets, maxBlock);
                for (PartitionState s : states) {
                    OffsetAndMetadata om = offsets.get(s.partition);
                    if (om != null) {
                        s.lastCommitted = om.offset();
                    }
                }
                return;
            } catch (WakeupException e) {
                // a wakeup from close() hit the commit; commit once more
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Kafka subscription {0}: committing {1} failed; those events "
                        + "will be delivered again: {2}", spec.describe(), offsets, e.toString());
                return;
            }
        }
    }

    /**
     * The last commit. A rebalance in progress (another member joining) makes a commit outside poll() fail with
     * RebalanceInProgressException; polling (every partition is paused, so no records come) completes it, and the
     * revocation callback or the retry commits. Bounded by the consumer's close timeout.
     */
    private void commitOnClose() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            Map<TopicPartition, OffsetAndMetadata> offsets = committable(owned.values());
            if (offsets.isEmpty()) {
                return;
            }
            try {
                consumer.commitSync(offsets, maxBlock);
                owned.values().forEach(s -> {
                    OffsetAndMetadata om = offsets.get(s.partition);
                    if (om != null) {
                        s.lastCommitted = om.offset();
                    }
                });
                return;
            } catch (WakeupException e) {
                // close() woke the consumer; try again
            } catch (RebalanceInProgressException e) {
                if (System.nanoTime() > deadline) {
                    LOG.log(System.Logger.Level.WARNING, "Kafka subscription {0}: the group kept rebalancing; "
                            + "{1} not committed, those events will be delivered again", spec.describe(), offsets);
                    return;
                }
                try {
                    consumer.pause(consumer.assignment());
                    partitionsPaused = true;
                    consumer.poll(POLL);   // records of paused partitions are not returned; any other is dropped
                } catch (WakeupException ignored) {
                    // try again
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Kafka subscription {0}: committing {1} on close failed; those "
                        + "events will be delivered again: {2}", spec.describe(), offsets, e.toString());
                return;
            }
        }
    }

    /** Revoked (commit what completed) or lost (commit nothing): drop queued records, forget the states. */
    private void release(Collection<TopicPartition> partitions, boolean commit) {
        if (partitions.isEmpty()) {
            return;
        }
        Set<TopicPartition> gone = new HashSet<>(partitions);
        queued.removeIf(d -> gone.contains(d.state().partition));
        List<PartitionState> states = new ArrayList<>();
        for (TopicPartition tp : gone) {
            PartitionState s = owned.remove(tp);
            if (s != null) {
                states.add(s);
            }
        }
        if (commit) {
            // While closing, the runtime has already drained: what is unsettled now is abandoned, so don't wait.
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(closeRequested ? 0 : drainTimeoutMs);
            for (PartitionState s : states) {
                try {
                    if (!s.awaitDrained(deadline)) {
                        LOG.log(System.Logger.Level.INFO, "Kafka subscription {0}: events of {1} still being handled "
                                + "after {2} ms; the next owner gets them again", spec.describe(), s.partition,
                                drainTimeoutMs);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            commitSync(states);
        }
        if (queued.isEmpty()) {
            refused = false;
        }
    }

    private void shutdown() {
        KafkaConsumer<byte[], byte[]> c = consumer;
        try {
            if (c != null) {
                if (grouped) {
                    commitOnClose();
                }
                c.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Closing the Kafka consumer of " + spec.describe() + " failed", e);
        } finally {
            owned.clear();
            queued.clear();
            if (!ready.isDone()) {
                ready.completeExceptionally(new BusFatalException("Subscription to " + spec.describe()
                        + " was closed before it became ready"));
            }
            onClosed.accept(this);
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static boolean isFatal(Throwable t) {
        return t instanceof AuthorizationException || t instanceof AuthenticationException
                || t instanceof InvalidTopicException;
    }

    /** Runs inside poll() on the poll thread. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            release(partitions, true);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            release(partitions, false);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                Set<TopicPartition> set = new HashSet<>(partitions);
                Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(set, maxBlock);
                Map<TopicPartition, OffsetAndMetadata> initial = new HashMap<>();
                for (TopicPartition tp : set) {
                    long position = consumer.position(tp, maxBlock);
                    owned.put(tp, new PartitionState(tp, position));
                    if (committed.get(tp) == null) {
                        initial.put(tp, new OffsetAndMetadata(position));
                    }
                }
                if (!initial.isEmpty()) {
                    // Fix a new group's starting point on the broker: whoever owns the partition next starts here.
                    try {
                        consumer.commitSync(initial, maxBlock);
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "Kafka subscription {0}: could not commit the starting "
                                + "position {1}: {2}", spec.describe(), initial, e.toString());
                    }
                }
                if (partitionsPaused) {
                    consumer.pause(set);
                }
            }
            assignedOnce = true;
            checkGroupReady();
        }
    }
}
