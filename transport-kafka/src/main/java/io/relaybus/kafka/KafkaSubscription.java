package io.relaybus.kafka;

import io.relaybus.api.BusConfigException;
import io.relaybus.api.BusException;
import io.relaybus.api.BusFatalException;
import io.relaybus.api.BusRetriableException;
import io.relaybus.spi.DeliverySink;
import io.relaybus.spi.SubscriptionSpec;
import io.relaybus.spi.config.ConfigValues;
import io.relaybus.spi.support.SwitchedSubscription;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription: a poll thread that runs one {@link ConsumerLoop} (its own consumer) at a time, handing records to
 * the runtime's sink.
 *
 * <p><b>Restarts.</b> When a consumer fails (an exception out of poll, a position that cannot be looked up), the loop
 * lets the deliveries being handled finish (bounded by {@code kafka.rebalance.drain.timeout.ms}), commits what was
 * handled, closes the consumer and, after a backoff, starts a new one: in a group it joins the same group and goes on
 * from the committed offsets; without a group it goes on where the failed one stopped. Nothing handled is lost, nothing
 * is skipped; events being handled when the consumer failed may be delivered again. Meanwhile the subscription reports
 * {@link DeliverySink#intakeDegraded}, and {@link DeliverySink#intakeRecovered} once a new consumer is positioned.
 * After {@link Restarts#maxConsecutiveFailures} failures without a healthy consumer in between, or at once for an
 * error no restart fixes (authorization, authentication, an invalid topic, refused settings), it reports
 * {@link DeliverySink#intakeFailed} (or fails {@link #ready()} when not ready yet) and stops.
 *
 * <p><b>Readiness.</b> {@link #ready()} completes once partitions are assigned (possibly none, when the group has
 * more members than partitions), each assigned partition's position is resolved, and every partition of the topic
 * has a committed offset in the group (see {@link GroupCommits#everyPartitionCommitted}). Without a group the consumer
 * assigns itself every partition of the topic, so ready is fast and no throwaway groups are left on the broker.
 *
 * <p>Threading: consumers are touched only by the poll thread; {@link #pause()}, {@link #resume()},
 * {@link #stopIntake()} and {@link #close()} set flags and may be called from any thread.
 */
final class KafkaSubscription extends SwitchedSubscription {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSubscription.class);

    /**
     * How a failed consumer is replaced: after failure n (counted since the last healthy consumer) the subscription
     * waits {@code min(maxBackoff, firstBackoff * 2^(n-1))}; failure {@code maxConsecutiveFailures + 1} is final.
     */
    record Restarts(int maxConsecutiveFailures, Duration firstBackoff, Duration maxBackoff) {

        static final Restarts DEFAULT = new Restarts(8, Duration.ofMillis(500), Duration.ofSeconds(30));

        long backoffMs(int failure) {
            long ms = firstBackoff.toMillis() << Math.min(failure - 1, 20);
            return Math.min(maxBackoff.toMillis(), ms);
        }
    }

    private final SubscriptionSpec spec;
    private final DeliverySink sink;
    private final Map<String, Object> properties;
    private final KafkaTopics topics;
    private final ConsumerFactory consumers;
    private final Restarts restarts;
    private final String bootstrap;
    private final Duration maxBlock;
    private final long commitIntervalMs;
    private final long drainTimeoutMs;
    private final long readyTimeoutMs;
    private final Runnable onClosed;
    private final CountDownLatch closeSignal = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean closeRequested;
    private volatile ConsumerLoop loop;
    private boolean degraded;   // poll thread only

    KafkaSubscription(SubscriptionSpec spec, DeliverySink sink, Map<String, Object> properties, KafkaTopics topics,
                      ConsumerFactory consumers, Restarts restarts, String bootstrap, ConfigValues config,
                      Duration maxBlock, Runnable onClosed) {
        this.spec = spec;
        this.sink = sink;
        this.properties = properties;
        this.topics = topics;
        this.consumers = consumers;
        this.restarts = restarts;
        this.bootstrap = bootstrap;
        this.maxBlock = maxBlock;
        this.commitIntervalMs = config.getLong(KafkaConfig.COMMIT_INTERVAL_CONFIG);
        this.drainTimeoutMs = config.getLong(KafkaConfig.REBALANCE_DRAIN_CONFIG);
        this.readyTimeoutMs = config.getLong(KafkaConfig.READY_TIMEOUT_CONFIG);
        this.onClosed = onClosed;
        this.thread = new Thread(this::run, "relaybus-kafka-poll-" + spec.describe());
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /**
     * The sum of the current consumer's per-partition {@code records-lag} metrics; empty until it fetched a
     * partition.
     */
    @Override
    public OptionalLong lag() {
        ConsumerLoop l = loop;
        if (l == null) {
            return OptionalLong.empty();
        }
        long sum = 0;
        boolean known = false;
        for (Map.Entry<MetricName, ? extends Metric> m : l.consumer().metrics().entrySet()) {
            if (m.getKey().name().equals("records-lag") && m.getKey().group().equals("consumer-fetch-manager-metrics")
                    && m.getValue().metricValue() instanceof Double d && !d.isNaN()) {
                sum += d.longValue();
                known = true;
            }
        }
        return known ? OptionalLong.of(sum) : OptionalLong.empty();
    }

    /** The current consumer (a restart replaces it). */
    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        ConsumerLoop l = loop;
        Consumer<byte[], byte[]> c = l == null ? null : l.consumer();
        return type.isInstance(c) ? Optional.of(type.cast(c)) : Optional.empty();
    }

    @Override
    public void close() {
        stopIntake();
        closeRequested = true;
        closeSignal.countDown();
        ConsumerLoop l = loop;
        if (l != null) {
            l.wakeup();
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(drainTimeoutMs + maxBlock.toMillis() + 10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                LOG.warn("Kafka subscription {}: the poll thread did not stop in time",
                        spec.describe());
            }
        }
    }

    SubscriptionSpec spec() {
        return spec;
    }

    DeliverySink sink() {
        return sink;
    }

    boolean closeRequested() {
        return closeRequested;
    }

    boolean intakeOpen() {
        return !paused() && !stopped();
    }

    /** The poll thread was interrupted while waiting: treated as a request to close. */
    void stopOnInterrupt() {
        closeRequested = true;
    }

    /** A consumer was positioned after a failure: the intake is back to normal. */
    void intakeHealthy() {
        if (degraded) {
            degraded = false;
            LOG.info("Kafka subscription {}: the restarted consumer is reading again",
                    spec.describe());
            sink.intakeRecovered();
        }
    }

    void checkReadyDeadline(long readyDeadline) {
        if (!ready().isDone() && System.currentTimeMillis() > readyDeadline) {
            ready().completeExceptionally(new BusRetriableException("Subscription to " + spec.describe()
                    + " was not assigned partitions by the Kafka brokers at " + bootstrap + " within "
                    + readyTimeoutMs + " ms (" + KafkaConfig.READY_TIMEOUT_CONFIG + "); check that the brokers "
                    + "are reachable and the group coordinator is available. It keeps trying."));
        }
    }

    void checkMetadataDeadline(long readyDeadline) {
        if (System.currentTimeMillis() > readyDeadline && !ready().isDone()) {
            ready().completeExceptionally(new BusRetriableException("No partition metadata for Kafka topic "
                    + spec.topic() + " from the brokers at " + bootstrap + " within " + readyTimeoutMs + " ms"));
        }
    }

    private void run() {
        long readyDeadline = System.currentTimeMillis() + readyTimeoutMs;
        Map<TopicPartition, Long> resumeAt = Map.of();
        int failures = 0;
        try {
            if (!prepareTopic(readyDeadline)) {
                return;
            }
            while (!closeRequested) {
                ConsumerLoop current = new ConsumerLoop(this, createConsumer(), resumeAt, maxBlock, commitIntervalMs,
                        drainTimeoutMs);
                loop = current;
                Throwable failure = null;
                try {
                    if (!closeRequested) {   // close() may have come before the loop could be woken up
                        current.run(readyDeadline);
                    }
                } catch (RuntimeException | Error e) {
                    failure = e;
                }
                resumeAt = new HashMap<>(current.close(failure != null));
                loop = null;
                if (failure == null || closeRequested) {
                    return;
                }
                failures = current.healthy() ? 1 : failures + 1;
                if (isFatal(failure) || failure instanceof Error || failures > restarts.maxConsecutiveFailures()) {
                    fail(failure, failures);
                    return;
                }
                restartLater(failure, failures);
            }
        } catch (RuntimeException | Error e) {
            fail(e, failures);
        } finally {
            if (!ready().isDone()) {
                ready().completeExceptionally(new BusFatalException("Subscription to " + spec.describe()
                        + " was closed before it became ready"));
            }
            onClosed.run();
        }
    }

    private Consumer<byte[], byte[]> createConsumer() {
        try {
            return consumers.create(new HashMap<>(properties));
        } catch (ConfigException e) {
            throw new BusConfigException(KafkaConfig.CONSUMER_PREFIX + "*", null, "the Kafka consumer refused its "
                    + "settings: " + e.getMessage());
        }
    }

    private void restartLater(Throwable failure, int failures) {
        long backoff = restarts.backoffMs(failures);
        String reason = "the Kafka consumer failed (" + KafkaErrors.unwrap(failure) + "); restarting it in " + backoff
                + " ms (attempt " + failures + " of " + restarts.maxConsecutiveFailures() + ")";
        LOG.warn("Kafka subscription " + spec.describe() + ": " + reason + ". It goes on "
                + "from the last committed offsets; if this repeats, check the brokers at " + bootstrap + " and the "
                + "kafka.consumer.* settings.", failure);
        degraded = true;
        sink.intakeDegraded(reason);
        try {
            closeSignal.await(backoff, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeRequested = true;
        }
    }

    /** The intake cannot go on: fails ready() when it is still pending, else tells the runtime. */
    private void fail(Throwable e, int failures) {
        BusException failure = e instanceof BusException ? (BusException) e
                : KafkaErrors.translate(e, "Consuming " + spec.describe(), bootstrap);
        if (!isFatal(e) && !(e instanceof Error) && failures > restarts.maxConsecutiveFailures()) {
            failure = new BusFatalException("Consuming " + spec.describe() + " failed " + failures + " times in a row "
                    + "(each time on a new consumer); the last failure: " + failure.getMessage(), e);
        }
        if (ready().completeExceptionally(failure)) {
            return;
        }
        LOG.error("Kafka subscription " + spec.describe() + " stopped: " + failure.getMessage()
                + ". Fix the cause and subscribe again.", e);
        sink.intakeFailed(failure);
    }

    /** Checks or creates the topic, retrying while the brokers do not answer; false when closed first. */
    private boolean prepareTopic(long readyDeadline) {
        while (!closeRequested) {
            try {
                topics.ensure(spec.topic(), maxBlock);
                return true;
            } catch (BusRetriableException e) {
                if (System.currentTimeMillis() > readyDeadline) {
                    ready().completeExceptionally(e);
                }
                LOG.warn("Kafka subscription {}: {}", spec.describe(), e.getMessage());
                sleepQuietly(1000);
            }
        }
        return false;
    }

    static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Errors no new consumer fixes: authorization, authentication, an invalid topic, refused settings. */
    static boolean isFatal(Throwable t) {
        if (KafkaErrors.fatalCause(t) != null) {
            return true;
        }
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof BusFatalException || c instanceof BusConfigException) {
                return true;
            }
        }
        return false;
    }
}
