package io.relaybus.kafka;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offset commits of one group consumer: what may be committed (the contiguous handled prefix of each
 * {@link PartitionState}, only when it moved past the last commit) and the three ways of committing it (periodic and
 * asynchronous, synchronous on revocation, synchronous with retries on close), plus the readiness question "does every
 * partition of the topic have a committed offset in the group?". Poll thread only, like the consumer.
 */
final class GroupCommits {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommits.class);

    private final Consumer<byte[], byte[]> consumer;
    private final String describe;
    private final Duration maxBlock;

    GroupCommits(Consumer<byte[], byte[]> consumer, String describe, Duration maxBlock) {
        this.consumer = consumer;
        this.describe = describe;
        this.maxBlock = maxBlock;
    }

    private static Map<TopicPartition, OffsetAndMetadata> committable(Collection<PartitionState> states) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (PartitionState s : states) {
            long c = s.committable();
            if (c > s.lastCommitted) {
                offsets.put(s.partition, new OffsetAndMetadata(c));
            }
        }
        return offsets;
    }

    private static void committed(Collection<PartitionState> states, Map<TopicPartition, OffsetAndMetadata> offsets) {
        for (PartitionState s : states) {
            OffsetAndMetadata om = offsets.get(s.partition);
            if (om != null && om.offset() > s.lastCommitted) {
                s.lastCommitted = om.offset();
            }
        }
    }

    /** The periodic commit; a failure is retried at the next interval. */
    void commitAsync(Collection<PartitionState> owned) {
        Map<TopicPartition, OffsetAndMetadata> offsets = committable(owned);
        if (offsets.isEmpty()) {
            return;
        }
        Set<PartitionState> states = new HashSet<>(owned);
        consumer.commitAsync(offsets, (done, error) -> {
            if (error != null) {
                LOG.debug("Kafka subscription {}: commit failed, retried at the next "
                        + "interval: {}", describe, error.toString());
                return;
            }
            committed(states, done);
        });
    }

    /** Commits once, retrying a wakeup; a failure is logged (the events are delivered again). */
    void commitSync(Collection<PartitionState> states) {
        Map<TopicPartition, OffsetAndMetadata> offsets = committable(states);
        if (offsets.isEmpty()) {
            return;
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                if (commitSyncOnce(states, offsets)) {
                    return;
                }
                // a wakeup from close() hit the commit; commit once more
            } catch (RuntimeException e) {
                LOG.warn("Kafka subscription {}: committing {} failed; those events "
                        + "will be delivered again: {}", describe, offsets, e.toString());
                return;
            }
        }
    }

    /**
     * The last commit. A rebalance in progress (another member joining) makes a commit outside poll() fail with
     * RebalanceInProgressException; {@code pollPaused} (a poll with every partition paused, so no records come)
     * completes it, and the revocation callback or the retry commits. Gives up after 5 seconds.
     */
    void commitOnClose(Collection<PartitionState> owned, Runnable pollPaused) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            Map<TopicPartition, OffsetAndMetadata> offsets = committable(owned);
            if (offsets.isEmpty()) {
                return;
            }
            try {
                if (commitSyncOnce(owned, offsets)) {
                    return;
                }
                // close() woke the consumer; try again
            } catch (RebalanceInProgressException e) {
                if (System.nanoTime() > deadline) {
                    LOG.warn("Kafka subscription {}: the group kept rebalancing; "
                            + "{} not committed, those events will be delivered again", describe, offsets);
                    return;
                }
                try {
                    pollPaused.run();
                } catch (WakeupException ignored) {
                    // try again
                }
            } catch (RuntimeException e) {
                LOG.warn("Kafka subscription {}: committing {} on close failed; those "
                        + "events will be delivered again: {}", describe, offsets, e.toString());
                return;
            }
        }
    }

    /**
     * Commits {@code offsets} synchronously and records them in {@code states}; false when a wakeup (from close())
     * cut the commit short. Any other failure is thrown.
     */
    private boolean commitSyncOnce(Collection<PartitionState> states, Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            consumer.commitSync(offsets, maxBlock);
        } catch (WakeupException e) {
            return false;
        }
        committed(states, offsets);
        return true;
    }

    /**
     * Whether every partition of {@code topic} has a committed offset in the group: ours (committed when we positioned
     * it) or another member's. Only then is an event published from now on sure to be read: a member can be handed an
     * empty assignment first and its partitions a heartbeat later (KIP-848 does this), and a partition that no member
     * has positioned yet would start from the log end as it is when someone finally does, skipping what came before.
     */
    boolean everyPartitionCommitted(String topic) {
        Set<TopicPartition> all = new HashSet<>();
        consumer.partitionsFor(topic, maxBlock).forEach(p -> all.add(new TopicPartition(p.topic(), p.partition())));
        if (all.isEmpty()) {
            return false;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(all, maxBlock);
        return all.stream().allMatch(tp -> committed.get(tp) != null);
    }
}
