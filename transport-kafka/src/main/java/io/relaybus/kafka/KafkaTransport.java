package io.relaybus.kafka;

import io.relaybus.api.BusConfigException;
import io.relaybus.api.BusException;
import io.relaybus.api.BusFatalException;
import io.relaybus.api.BusHealth;
import io.relaybus.api.Event;
import io.relaybus.api.PublishReceipt;
import io.relaybus.spi.DeliverySink;
import io.relaybus.spi.SubscriptionSpec;
import io.relaybus.spi.Transport;
import io.relaybus.spi.TransportSubscription;
import io.relaybus.spi.config.ConfigValues;
import io.relaybus.spi.support.CallbackThread;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka transport: one idempotent {@link KafkaProducer} shared by all publishes, one Admin client for topics and
 * health, and one {@link KafkaSubscription} (its own consumer and poll thread) per subscription.
 *
 * <p>Threading: {@link #publish} may be called from any thread. It blocks only the first time a topic is used (topic
 * check or creation) or when the producer's buffer is full, each at most {@code kafka.max.block.ms}. Publish futures
 * are completed on one "completions" thread of this transport, never on the producer's I/O thread, so continuations
 * users chain on a publish (even a blocking one, or another publish) cannot stall the producer.
 */
final class KafkaTransport implements Transport {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTransport.class);
    private static final long HEALTH_REFRESH_MS = 1_000;
    private static final long HEALTH_STALE_MS = 15_000;

    private final String clientId;
    private final ConfigValues config;
    private final KafkaClientSettings settings;
    private final Map<String, Object> producerProperties;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Admin admin;
    private final KafkaTopics topics;
    private final CallbackThread completions;
    private final Set<KafkaSubscription> subscriptions = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean healthCheckRunning = new AtomicBoolean();
    private final Duration maxBlock;
    private final ConsumerFactory consumers;
    private final KafkaSubscription.Restarts restarts;
    private volatile int brokerCount;
    private volatile long lastClusterAnswer;     // System.currentTimeMillis() of the last describeCluster answer
    private volatile String lastClusterError = "no answer yet";
    private volatile long lastSendOk;
    private volatile long lastSendFailed;
    private volatile String lastSendError;
    private volatile long lastHealthCheck;
    private volatile long lastClusterFailure;    // System.currentTimeMillis() of the last failed describeCluster
    private volatile boolean closed;

    KafkaTransport(String clientId, ConfigValues config) {
        this(clientId, config, ConsumerFactory.KAFKA, KafkaSubscription.Restarts.DEFAULT);
    }

    /** With the subscriptions' consumers made by {@code consumers} and replaced as {@code restarts} says (tests). */
    KafkaTransport(String clientId, ConfigValues config, ConsumerFactory consumers, KafkaSubscription.Restarts restarts) {
        this.clientId = clientId;
        this.consumers = consumers;
        this.restarts = restarts;
        this.config = config;
        this.settings = new KafkaClientSettings(clientId, config);
        this.maxBlock = settings.maxBlock();
        this.producerProperties = settings.producerProperties();
        this.admin = create("admin", () -> Admin.create(settings.adminProperties()), KafkaConfig.ADMIN_PREFIX);
        try {
            if (config.getBoolean(KafkaConfig.STARTUP_CHECK_CONFIG)) {
                checkCluster(config.getDuration(KafkaConfig.CONNECT_TIMEOUT_CONFIG));
            } else {
                refreshHealth();
            }
            this.producer = create("producer", () -> new KafkaProducer<>(producerProperties), KafkaConfig.PRODUCER_PREFIX);
        } catch (RuntimeException e) {
            admin.close(Duration.ZERO);
            throw e;
        }
        this.topics = new KafkaTopics(admin, config.getBoolean(KafkaConfig.TOPIC_CREATE_CONFIG),
                config.getInt(KafkaConfig.TOPIC_PARTITIONS_CONFIG), config.getInt(KafkaConfig.TOPIC_REPLICATION_CONFIG),
                config.getInt(KafkaConfig.TOPIC_MIN_INSYNC_CONFIG), settings.profile().minInsyncReplicasTwo(), () -> brokerCount, settings.bootstrap());
        this.completions = new CallbackThread("relaybus-kafka-" + clientId + "-completions");
    }

    private static <T> T create(String what, java.util.function.Supplier<T> factory, String prefix) {
        try {
            return factory.get();
        } catch (ConfigException e) {
            throw new BusConfigException(prefix + "*", null, "the Kafka " + what + " refused its settings: "
                    + e.getMessage());
        }
    }

    /** Waits for the cluster to answer; fails with a retriable exception naming the bootstrap servers. */
    private void checkCluster(Duration timeout) {
        try {
            int n = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis())).nodes()
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS).size();
            brokerCount = n;
            lastClusterAnswer = System.currentTimeMillis();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BusException("Interrupted while connecting to Kafka at " + settings.bootstrap(), e);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            Throwable cause = e instanceof java.util.concurrent.TimeoutException
                    ? new org.apache.kafka.common.errors.TimeoutException("no answer within " + timeout.toMillis()
                    + " ms (" + KafkaConfig.CONNECT_TIMEOUT_CONFIG + ")", e) : e;
            BusException translated = KafkaErrors.translate(cause, "Connecting to Kafka", settings.bootstrap());
            throw translated instanceof io.relaybus.api.BusRetriableException
                    ? new io.relaybus.api.BusRetriableException(translated.getMessage() + " To open the bus while "
                    + "Kafka is still unavailable, set " + KafkaConfig.STARTUP_CHECK_CONFIG + "=false.", cause)
                    : translated;
        }
    }

    @Override
    public CompletableFuture<PublishReceipt> publish(Event event) {
        if (closed) {
            return CompletableFuture.failedFuture(new BusFatalException("The Kafka transport is closed"));
        }
        CompletableFuture<PublishReceipt> result = new CompletableFuture<>();
        try {
            topics.ensure(event.topic(), maxBlock);
            ProducerRecord<byte[], byte[]> record = RecordCodec.toRecord(event);
            producer.send(record, (metadata, error) -> {
                // On the producer's I/O thread: only bookkeeping here, completion runs on our own thread.
                if (error == null) {
                    lastSendOk = System.currentTimeMillis();
                    PublishReceipt receipt = new PublishReceipt(event.id(), metadata.topic(),
                            metadata.partition() + "@" + metadata.offset(), false);
                    completeLater(result, receipt, null);
                } else {
                    lastSendFailed = System.currentTimeMillis();
                    lastSendError = error.toString();
                    completeLater(result, null, translatePublish(error, event));
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(translatePublish(e, event));
        }
        return result;
    }

    private BusException translatePublish(Throwable error, Event event) {
        String what = "Publishing event " + event.id() + " to Kafka topic " + event.topic();
        return KafkaErrors.translate(error, what, settings.bootstrap());
    }

    private void completeLater(CompletableFuture<PublishReceipt> f, PublishReceipt receipt, Throwable error) {
        Runnable r = () -> {
            if (error == null) {
                f.complete(receipt);
            } else {
                f.completeExceptionally(error);
            }
        };
        completions.execute(r);   // runs inline once closed (after the producer flushed)
    }

    /** Kafka's topic naming rules (see {@link KafkaTopics#invalidName}). */
    @Override
    public void validateTopic(String topic) {
        String problem = KafkaTopics.invalidName(topic);
        if (problem != null) {
            throw new BusConfigException("topic", topic, problem);
        }
    }

    @Override
    public TransportSubscription subscribe(SubscriptionSpec spec, DeliverySink sink) {
        if (closed) {
            throw new BusFatalException("The Kafka transport is closed");
        }
        KafkaSubscription[] self = new KafkaSubscription[1];
        KafkaSubscription s = new KafkaSubscription(spec, sink, settings.consumerProperties(spec), topics, consumers,
                restarts, settings.bootstrap(), config, maxBlock, () -> subscriptions.remove(self[0]));
        self[0] = s;
        subscriptions.add(s);
        s.start();
        return s;
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        return type.isInstance(producer) ? Optional.of(type.cast(producer)) : Optional.empty();
    }

    @Override
    public BusHealth health() {
        if (closed) {
            return BusHealth.down("closed");
        }
        long now = System.currentTimeMillis();
        if (now - lastHealthCheck > HEALTH_REFRESH_MS) {
            refreshHealth();
        }
        String where = "Kafka at " + settings.bootstrap();
        if (lastSendFailed > lastSendOk && now - lastSendFailed < 60_000) {
            return BusHealth.degraded(where + ": the last publish failed: " + lastSendError);
        }
        // Judged by the last check that completed, not by the age of the last answer: a bus whose health nobody asked
        // for a while is not degraded for that. A check still unanswered after HEALTH_STALE_MS counts as a failure.
        boolean pendingTooLong = healthCheckRunning.get() && now - lastHealthCheck > HEALTH_STALE_MS;
        if (lastClusterAnswer != 0 && lastClusterAnswer >= lastClusterFailure && !pendingTooLong) {
            return BusHealth.up(where + ": " + brokerCount + " broker(s) answering");
        }
        return BusHealth.degraded(where + ": no answer from the cluster" + (lastClusterAnswer == 0 ? ""
                : " since " + java.time.Instant.ofEpochMilli(lastClusterAnswer)) + " (" + lastClusterError
                + "); check that the brokers in kafka.bootstrap.servers are running and reachable");
    }

    /** Asks the cluster for its brokers in the background; health() reads the last answer and never waits. */
    private void refreshHealth() {
        if (!healthCheckRunning.compareAndSet(false, true)) {
            return;
        }
        lastHealthCheck = System.currentTimeMillis();
        int timeout = (int) Math.min(5_000, config.getLong(KafkaConfig.CONNECT_TIMEOUT_CONFIG));
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeout)).nodes().whenComplete((nodes, e) -> {
                if (e == null) {
                    brokerCount = nodes.size();
                    lastClusterAnswer = System.currentTimeMillis();
                } else {
                    lastClusterError = KafkaErrors.unwrap(e).toString();
                    lastClusterFailure = System.currentTimeMillis();
                }
                healthCheckRunning.set(false);
            });
        } catch (RuntimeException e) {
            lastClusterError = e.toString();
            lastClusterFailure = System.currentTimeMillis();
            healthCheckRunning.set(false);
        }
    }

    /** The producer settings exactly as handed to the client, parsed by Kafka (for tests and diagnostics). */
    ProducerConfig producerConfig() {
        return new ProducerConfig(producerProperties);
    }

    /** The consumer settings a subscription with {@code spec} gets, parsed by Kafka. */
    ConsumerConfig consumerConfig(SubscriptionSpec spec) {
        return new ConsumerConfig(settings.consumerProperties(spec));
    }

    KafkaTopics topics() {
        return topics;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (KafkaSubscription s : List.copyOf(subscriptions)) {
            s.stopIntake();
            s.close();
        }
        try {
            // Waits for outstanding sends up to the delivery timeout; their futures complete on the completions thread.
            producer.close(settings.deliveryTimeout());
        } catch (RuntimeException e) {
            LOG.warn("Closing the Kafka producer of " + clientId + " failed", e);
        }
        completions.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }
}
