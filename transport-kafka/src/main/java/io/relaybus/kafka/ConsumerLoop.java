package io.relaybus.kafka;

import io.relaybus.api.BusRetriableException;
import io.relaybus.api.StartPosition;
import io.relaybus.spi.SubscriptionSpec;
import io.relaybus.spi.support.IntakeQueue;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer of a {@link KafkaSubscription}, from its first poll to its close, on the subscription's poll thread.
 * When anything in it fails, the subscription closes it and starts a new one.
 *
 * <p><b>Order and backpressure.</b> Records wait in one queue in fetch order (so per partition in offset order) and
 * are offered in that order. When the sink refuses one, the queue stops, every assigned partition is paused, and
 * the thread keeps polling (so the consumer stays in its group: max.poll.interval.ms is never exceeded by a slow
 * handler) while it waits for room, then offers the refused record first and resumes the partitions.
 *
 * <p><b>Positioning.</b> A partition is fetched from only once its position (and, in a group, its committed offset)
 * is known and its {@link PartitionState} exists. Until then it stays paused; when looking the position up fails
 * (a broker timeout) it is tried again with backoff, and after {@value #POSITIONING_ATTEMPTS} failures in a row the
 * consumer is given up (and restarted by the subscription). A record that still arrives for a partition without state
 * is never dropped: the partition is rewound to it and positioned again.
 *
 * <p><b>Commits (group subscriptions)</b> are {@link GroupCommits}': periodic, on revocation, on close. A new group's
 * starting position is committed as soon as it is known (so events published after ready are never skipped, even if
 * the partition moves before this member committed anything); if that commit fails, the next periodic commit stores it.
 *
 * <p><b>Rebalances.</b> On revocation the queued records of the revoked partitions are dropped (the next owner reads
 * them from the committed offset), the thread waits up to {@code kafka.rebalance.drain.timeout.ms} for their records
 * that are being handled, and commits what completed. Acknowledgements arriving later belong to a discarded state
 * and are never committed. Lost partitions (the member was expelled) are dropped without a commit.
 *
 * <p><b>Without a group</b> the consumer has no group id: it assigns itself every partition of the topic, positions
 * them from {@code startFrom} (or, after a restart, where the previous consumer stopped), and never commits.
 */
final class ConsumerLoop {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final long PARTITION_REFRESH_MS = 30_000;
    static final int POSITIONING_ATTEMPTS = 5;

    private final KafkaSubscription subscription;
    private final SubscriptionSpec spec;
    private final Consumer<byte[], byte[]> consumer;
    private final GroupCommits commits;   // null without a group
    private final Duration maxBlock;
    private final long commitIntervalMs;
    private final long drainTimeoutMs;
    /** Groupless, after a restart: where the previous consumer stopped, per partition. */
    private final Map<TopicPartition, Long> resumeAt;

    /** Records in fetch order; a refused one stays first. Marks offsets handed out before each offer. */
    private final IntakeQueue<KafkaDelivery> queued;
    private final Map<TopicPartition, PartitionState> owned = new HashMap<>();
    /** Assigned, paused, and waiting for their position to be looked up. */
    private final Set<TopicPartition> unpositioned = new HashSet<>();
    private boolean refused;
    private boolean partitionsPaused;
    private boolean assignedOnce;
    private boolean healthy;
    private boolean closing;
    private long nextCommit;
    private long nextPartitionRefresh;
    private long nextReadyCheck;
    private long nextPositioning;
    private int positioningFailures;

    ConsumerLoop(KafkaSubscription subscription, Consumer<byte[], byte[]> consumer, Map<TopicPartition, Long> resumeAt,
                 Duration maxBlock, long commitIntervalMs, long drainTimeoutMs) {
        this.subscription = subscription;
        this.spec = subscription.spec();
        this.consumer = consumer;
        this.resumeAt = resumeAt;
        this.maxBlock = maxBlock;
        this.commitIntervalMs = commitIntervalMs;
        this.drainTimeoutMs = drainTimeoutMs;
        this.commits = spec.group() == null ? null : new GroupCommits(consumer, spec.describe(), maxBlock);
        this.queued = new IntakeQueue<>(subscription.sink(), new IntakeQueue.Hooks<>() {
            @Override
            public void offering(KafkaDelivery d) {
                d.state().handingOut(d.offset());   // before the offer: a worker may acknowledge it at once
            }

            @Override
            public void refused(KafkaDelivery d) {
                d.state().refused(d.offset());
            }
        });
    }

    /** Whether this consumer was assigned and positioned its partitions and polled without failing since. */
    boolean healthy() {
        return healthy;
    }

    /** From any thread: interrupts a blocking call of the consumer (close). */
    /** The consumer, for read-only use from other threads ({@code metrics()} is thread safe). */
    Consumer<byte[], byte[]> consumer() {
        return consumer;
    }

    void wakeup() {
        consumer.wakeup();
    }

    /** Polls until the subscription closes; throws when the consumer failed. */
    void run(long readyDeadline) {
        List<PartitionInfo> partitions = awaitTopicMetadata(readyDeadline);
        if (subscription.closeRequested()) {
            return;
        }
        if (commits != null) {
            consumer.subscribe(List.of(spec.topic()), new Rebalance());
        } else {
            assignPartitions(partitions);
        }
        nextCommit = System.currentTimeMillis() + commitIntervalMs;
        while (!subscription.closeRequested()) {
            try {
                step();
            } catch (WakeupException e) {
                // close() woke us up; the loop condition decides
            }
            subscription.checkReadyDeadline(readyDeadline);
        }
    }

    /**
     * Waits until this consumer's own metadata knows the topic's partitions. Subscribing before that would let the
     * first assignment come back empty for a topic just created, and ready() would complete too early.
     */
    private List<PartitionInfo> awaitTopicMetadata(long readyDeadline) {
        while (!subscription.closeRequested()) {
            try {
                List<PartitionInfo> parts = consumer.partitionsFor(spec.topic(), maxBlock);
                if (parts != null && !parts.isEmpty()) {
                    return parts;
                }
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                LOG.debug("No metadata for {} yet", spec.topic());
            } catch (WakeupException e) {
                break;
            }
            subscription.checkMetadataDeadline(readyDeadline);
            KafkaSubscription.sleepQuietly(50);
        }
        return List.of();
    }

    /** One round: offer what is queued, pause or resume, poll, position, check readiness, commit when due. */
    private void step() {
        boolean intake = subscription.intakeOpen();
        if (subscription.stopped() && queued.isHolding()) {
            queued.clear();   // never offered, never committed: the group's next reader gets them
        }
        if (intake) {
            refused = !queued.offerHeld();
        }
        boolean hold = !intake || refused;
        if (hold != partitionsPaused) {
            if (hold) {
                consumer.pause(consumer.assignment());
            } else {
                Set<TopicPartition> resume = new HashSet<>(consumer.paused());
                resume.removeAll(unpositioned);
                consumer.resume(resume);
            }
            partitionsPaused = hold;
        }
        if (intake && refused) {
            try {
                queued.awaitRoom(POLL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                subscription.stopOnInterrupt();
                return;
            }
            enqueue(consumer.poll(Duration.ZERO));
        } else {
            enqueue(consumer.poll(POLL));
        }
        long now = System.currentTimeMillis();
        if (!unpositioned.isEmpty() && now >= nextPositioning) {
            positionAssigned();
            if (positioningFailures >= POSITIONING_ATTEMPTS) {
                throw new BusRetriableException("Could not look up the positions of " + unpositioned + " for "
                        + spec.describe() + " in " + POSITIONING_ATTEMPTS + " attempts");
            }
        }
        boolean positioned = (commits == null || assignedOnce) && unpositioned.isEmpty();
        if (positioned && !healthy) {
            healthy = true;
            subscription.intakeHealthy();
        }
        if (commits != null && positioned && !subscription.ready().isDone() && now >= nextReadyCheck) {
            nextReadyCheck = now + POLL.toMillis();
            checkGroupReady();
        }
        if (commits != null && now >= nextCommit) {
            commits.commitAsync(owned.values());
            nextCommit = now + commitIntervalMs;
        }
        if (commits == null && now >= nextPartitionRefresh) {
            nextPartitionRefresh = now + PARTITION_REFRESH_MS;
            refreshPartitions();
        }
    }

    private void checkGroupReady() {
        try {
            if (commits.everyPartitionCommitted(spec.topic())) {
                subscription.ready().complete(null);
            }
        } catch (RetriableException e) {
            LOG.debug("Kafka subscription {}: readiness check failed, tried again: {}",
                    spec.describe(), e.toString());
        }
    }

    /**
     * Queues the records of owned partitions in fetch order, partition by partition (the order the records' own
     * iterator has): one look-up of the partition's state per partition rather than per record.
     */
    private void enqueue(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> fetched = records.records(tp);
            if (fetched.isEmpty()) {
                continue;
            }
            PartitionState state = owned.get(tp);
            if (state != null) {
                for (ConsumerRecord<byte[], byte[]> r : fetched) {
                    queued.hold(new KafkaDelivery(RecordCodec.toEvent(r), state, r.offset()));
                }
            } else if (consumer.assignment().contains(tp)) {
                // Fetched before this loop positioned the partition: read it again from here once it is.
                consumer.seek(tp, fetched.get(0).offset());
                consumer.pause(Set.of(tp));
                unpositioned.add(tp);
            }
        }
    }

    /**
     * Looks up the position (and, in a group, the committed offset) of every unpositioned partition, makes its state
     * and resumes it. Never throws for a lookup that may succeed later: the partitions stay paused and the next
     * attempt is scheduled with backoff. Errors no retry fixes (authorization) are thrown.
     */
    private void positionAssigned() {
        if (unpositioned.isEmpty()) {
            return;
        }
        try {
            Set<TopicPartition> todo = new HashSet<>(unpositioned);
            Map<TopicPartition, OffsetAndMetadata> committed = commits == null ? Map.of()
                    : consumer.committed(todo, maxBlock);
            List<PartitionState> fresh = new ArrayList<>();
            for (TopicPartition tp : todo) {
                long position = consumer.position(tp, maxBlock);
                OffsetAndMetadata c = committed.get(tp);
                PartitionState state = commits == null ? new PartitionState(tp, position)
                        : new PartitionState(tp, position, c == null ? -1 : c.offset());
                owned.put(tp, state);
                unpositioned.remove(tp);
                if (!partitionsPaused) {
                    consumer.resume(Set.of(tp));
                }
                if (commits != null && c == null) {
                    fresh.add(state);
                }
            }
            positioningFailures = 0;
            if (!fresh.isEmpty()) {
                // Fix a new group's starting point on the broker: whoever owns the partition next starts here.
                commits.commitSync(fresh);
            }
            if (commits == null) {
                subscription.ready().complete(null);
            }
        } catch (RuntimeException e) {
            if (KafkaSubscription.isFatal(e) || subscription.closeRequested()) {
                throw e;
            }
            positioningFailures++;
            long backoff = Math.min(10_000, 500L << Math.min(positioningFailures - 1, 5));
            nextPositioning = System.currentTimeMillis() + backoff;
            LOG.warn("Kafka subscription {}: could not look up the position of {} "
                    + "({}); their records wait, trying again in {} ms. If this repeats, check that the brokers "
                    + "are reachable.", spec.describe(), unpositioned, e.toString(), backoff);
        }
    }

    /** Groupless: every partition of the topic; new partitions are picked up later. */
    private void assignPartitions(List<PartitionInfo> parts) {
        Set<TopicPartition> all = new HashSet<>();
        parts.forEach(p -> all.add(new TopicPartition(p.topic(), p.partition())));
        boolean first = owned.isEmpty() && unpositioned.isEmpty() && resumeAt.isEmpty();
        List<TopicPartition> added = new ArrayList<>(all);
        added.removeAll(owned.keySet());
        added.removeAll(unpositioned);
        if (added.isEmpty()) {
            return;
        }
        all.addAll(owned.keySet());
        all.addAll(unpositioned);
        consumer.assign(all);
        List<TopicPartition> fromStart = new ArrayList<>();
        for (TopicPartition tp : added) {
            Long at = resumeAt.get(tp);
            if (at != null) {
                consumer.seek(tp, at);
            } else {
                fromStart.add(tp);
            }
        }
        // On the first assignment startFrom decides; partitions added later hold only events newer than this
        // subscription, so they are read from their beginning. (An empty list would mean every partition.)
        if (fromStart.isEmpty()) {
            LOG.debug("Kafka subscription {}: resuming at {}", spec.describe(), resumeAt);
        } else if (first && spec.startFrom() == StartPosition.LATEST) {
            consumer.seekToEnd(fromStart);
        } else {
            consumer.seekToBeginning(fromStart);
        }
        consumer.pause(added);
        unpositioned.addAll(added);
        nextPartitionRefresh = System.currentTimeMillis() + PARTITION_REFRESH_MS;
        positionAssigned();
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

    /** Revoked (commit what completed) or lost (commit nothing): drop queued records, forget the states. */
    private void release(Collection<TopicPartition> partitions, boolean commit) {
        if (partitions.isEmpty()) {
            return;
        }
        Set<TopicPartition> gone = new HashSet<>(partitions);
        unpositioned.removeAll(gone);
        queued.removeIf(d -> gone.contains(d.state().partition));
        List<PartitionState> states = new ArrayList<>();
        for (TopicPartition tp : gone) {
            PartitionState s = owned.remove(tp);
            if (s != null) {
                states.add(s);
            }
        }
        if (commit) {
            awaitDrained(states);
            commits.commitSync(states);
        }
        if (!queued.isHolding()) {
            refused = false;
        }
    }

    /**
     * Waits for the deliveries of {@code states} being handled, up to {@code kafka.rebalance.drain.timeout.ms}; not
     * at all while the subscription closes (the runtime drained already: what is unsettled now is abandoned).
     */
    private void awaitDrained(Collection<PartitionState> states) {
        long wait = closing || subscription.closeRequested() ? 0 : drainTimeoutMs;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(wait);
        for (PartitionState s : states) {
            try {
                if (!s.awaitDrained(deadline)) {
                    LOG.info("Kafka subscription {}: events of {} still being handled "
                            + "after {} ms; they are delivered again", spec.describe(), s.partition, wait);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Commits what was handled and closes the consumer. After a failure ({@code failed}) the deliveries being handled
     * get {@code kafka.rebalance.drain.timeout.ms} to finish first, as on a revocation, so the next consumer does not
     * deliver them again. Returns, per partition, where a groupless successor goes on: the first offset not handled.
     */
    Map<TopicPartition, Long> close(boolean failed) {
        Map<TopicPartition, Long> resume = new HashMap<>(resumeAt);
        try {
            if (failed) {
                awaitDrained(owned.values());
            }
            closing = true;
            if (commits != null) {
                if (failed) {
                    commits.commitSync(owned.values());
                } else {
                    commits.commitOnClose(owned.values(), this::pollPaused);
                }
            }
            owned.forEach((tp, s) -> resume.put(tp, s.committable()));
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        } catch (RuntimeException e) {
            LOG.warn("Closing the Kafka consumer of " + spec.describe() + " failed; "
                    + "events it had not committed are delivered again", e);
        } finally {
            owned.clear();
            queued.clear();
            unpositioned.clear();
        }
        return resume;
    }

    private void pollPaused() {
        consumer.pause(consumer.assignment());
        partitionsPaused = true;
        consumer.poll(POLL);   // records of paused partitions are not returned
    }

    /** Runs inside poll() on the poll thread; never throws except for errors no retry fixes. */
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
                consumer.pause(partitions);
                unpositioned.addAll(partitions);
                positionAssigned();
            }
            assignedOnce = true;
        }
    }
}
