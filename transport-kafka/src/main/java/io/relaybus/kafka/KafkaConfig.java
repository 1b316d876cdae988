package io.relaybus.kafka;

import io.relaybus.spi.config.ConfigDef;
import io.relaybus.spi.config.ConfigType;
import io.relaybus.spi.config.Importance;
import io.relaybus.spi.config.Validator;

/**
 * The {@code kafka.*} keys of the Kafka transport: one {@code X_CONFIG} / {@code X_DEFAULT} / {@code X_DOC} triple per
 * key, and {@link #DEFINITION}, from which the README's reference table is generated.
 *
 * <p>How a client's settings are put together, later steps winning: fixed settings the transport owns (serializers,
 * group id, commit mode), the chosen {@linkplain KafkaProfile profile}, the typed keys below (timeouts), then the raw
 * pass-through settings under {@code kafka.producer.}, {@code kafka.consumer.} and {@code kafka.admin.}. Settings that
 * contradict each other, and pass-through keys the transport owns, are rejected with every clashing key named.
 */
public final class KafkaConfig {

    public static final String NAMESPACE = "kafka.";

    public static final String BOOTSTRAP_SERVERS_CONFIG = "kafka.bootstrap.servers";
    public static final String BOOTSTRAP_SERVERS_DOC = "Comma-separated host:port pairs of the Kafka brokers to "
            + "bootstrap from (bootstrap.servers of every client).";

    public static final String PROFILE_CONFIG = "kafka.profile";
    public static final String PROFILE_DEFAULT = "durable";
    public static final String PROFILE_DOC = "A named set of client settings: durable (default: acks=all, idempotence, "
            + "LZ4, linger 10 ms, 100 KB batches, consumer answers at once; min.insync.replicas=2 on topics it creates "
            + "with 2 or more replicas), throughput (bigger batches and fetches: 20 ms linger, 256 KB batches, 64 KB "
            + "minimum fetch waiting up to 200 ms) or latency (no linger, fetches return at once and wait at most "
            + "10 ms). Pass-through settings override the profile.";

    public static final String CONNECT_TIMEOUT_CONFIG = "kafka.connect.timeout.ms";
    public static final long CONNECT_TIMEOUT_DEFAULT = 10_000;
    public static final String CONNECT_TIMEOUT_DOC = "How long to wait for a TCP connection to a broker "
            + "(socket.connection.setup.timeout.ms), and how long opening the bus waits for a first answer from the "
            + "cluster (see kafka.startup.check).";

    public static final String REQUEST_TIMEOUT_CONFIG = "kafka.request.timeout.ms";
    public static final long REQUEST_TIMEOUT_DEFAULT = 15_000;
    public static final String REQUEST_TIMEOUT_DOC = "How long a client waits for the answer to one request "
            + "(request.timeout.ms of every client).";

    public static final String DELIVERY_TIMEOUT_CONFIG = "kafka.delivery.timeout.ms";
    public static final long DELIVERY_TIMEOUT_DEFAULT = 30_000;
    public static final String DELIVERY_TIMEOUT_DOC = "Upper bound on the time from publish to the broker's "
            + "acknowledgement, retries included (delivery.timeout.ms); a publish that is not acknowledged by then "
            + "fails with a BusRetriableException. Must be at least linger.ms + kafka.request.timeout.ms. Also bounds "
            + "blocking consumer and admin calls (default.api.timeout.ms).";

    public static final String MAX_BLOCK_CONFIG = "kafka.max.block.ms";
    public static final long MAX_BLOCK_DEFAULT = 10_000;
    public static final String MAX_BLOCK_DOC = "How long publish may block the calling thread: the first time a topic "
            + "is used (topic check or creation, metadata) or while the send buffer is full (max.block.ms).";

    public static final String STARTUP_CHECK_CONFIG = "kafka.startup.check";
    public static final boolean STARTUP_CHECK_DEFAULT = true;
    public static final String STARTUP_CHECK_DOC = "When true, opening the bus fails with a BusRetriableException if "
            + "no broker answers within kafka.connect.timeout.ms. When false the bus opens anyway, reports DEGRADED "
            + "health, and publishes fail within their timeouts until a broker answers.";

    public static final String TOPIC_CREATE_CONFIG = "kafka.topic.create";
    public static final boolean TOPIC_CREATE_DEFAULT = true;
    public static final String TOPIC_CREATE_DOC = "Whether a topic (including a dead-letter topic) is created through "
            + "the Admin API the first time it is published to or subscribed to. When false, using a missing topic "
            + "fails with a BusFatalException.";

    public static final String TOPIC_PARTITIONS_CONFIG = "kafka.topic.partitions";
    public static final int TOPIC_PARTITIONS_DEFAULT = 6;
    public static final String TOPIC_PARTITIONS_DOC = "Partitions of a topic the transport creates: the most members "
            + "of one group that can share a topic. Events with one key stay in one partition; within a partition "
            + "events of different keys are still handled in parallel.";

    public static final String TOPIC_REPLICATION_CONFIG = "kafka.topic.replication.factor";
    public static final int TOPIC_REPLICATION_DEFAULT = -1;
    public static final String TOPIC_REPLICATION_DOC = "Replication factor of a topic the transport creates; -1 means "
            + "the broker's default.replication.factor, except with the durable profile, where -1 means "
            + "min(3, number of live brokers). A value above the number of live brokers fails the topic's first use "
            + "with a BusConfigException naming this key and the broker count.";

    public static final String TOPIC_MIN_INSYNC_CONFIG = "kafka.topic.min.insync.replicas";
    public static final int TOPIC_MIN_INSYNC_DEFAULT = -1;
    public static final String TOPIC_MIN_INSYNC_DOC = "min.insync.replicas of a topic the transport creates: how many "
            + "replicas must have an event before a publish (acks=all) completes. -1 means 2 with the durable profile "
            + "when the topic has 2 or more replicas, else the broker's default. Must not exceed the replication "
            + "factor; on 3 brokers, 3 replicas with 2 in sync keep publishing while any one broker is down.";

    public static final String GROUP_PROTOCOL_CONFIG = "kafka.group.protocol";
    public static final String GROUP_PROTOCOL_DEFAULT = "classic";
    public static final String GROUP_PROTOCOL_DOC = "The consumer group protocol: classic (any broker; the "
            + "cooperative-sticky assignor, so a rebalance only moves the partitions that change owner) or consumer "
            + "(KIP-848, brokers 4.0 and later: the broker assigns partitions, no group-wide pause).";

    public static final String COMMIT_INTERVAL_CONFIG = "kafka.commit.interval.ms";
    public static final long COMMIT_INTERVAL_DEFAULT = 1_000;
    public static final String COMMIT_INTERVAL_DOC = "How often a group subscription commits (asynchronously) the "
            + "offsets below which every event was handled. Commits are also made, synchronously, when partitions "
            + "are revoked and when the subscription closes.";

    public static final String REBALANCE_DRAIN_CONFIG = "kafka.rebalance.drain.timeout.ms";
    public static final long REBALANCE_DRAIN_DEFAULT = 5_000;
    public static final String REBALANCE_DRAIN_DOC = "When partitions are revoked, how long to wait for events of "
            + "those partitions that are already being handled, so their offsets can be committed before the next "
            + "owner starts. Events not finished by then are delivered again to the next owner.";

    public static final String READY_TIMEOUT_CONFIG = "kafka.ready.timeout.ms";
    public static final long READY_TIMEOUT_DEFAULT = 60_000;
    public static final String READY_TIMEOUT_DOC = "How long a subscription may take to be assigned and positioned "
            + "before ready() fails with a BusRetriableException (the subscription keeps trying).";

    public static final String PRODUCER_PREFIX = "kafka.producer.";
    public static final String CONSUMER_PREFIX = "kafka.consumer.";
    public static final String ADMIN_PREFIX = "kafka.admin.";

    /** Every key, with its type, default, validator, importance and documentation. */
    public static final ConfigDef DEFINITION = new ConfigDef(NAMESPACE)
            .defineRequired(BOOTSTRAP_SERVERS_CONFIG, ConfigType.LIST, Validator.nonEmpty(), Importance.HIGH,
                    BOOTSTRAP_SERVERS_DOC)
            .define(PROFILE_CONFIG, ConfigType.STRING, PROFILE_DEFAULT, Validator.oneOf(KafkaProfile.class),
                    Importance.HIGH, PROFILE_DOC)
            .define(TOPIC_CREATE_CONFIG, ConfigType.BOOLEAN, TOPIC_CREATE_DEFAULT, null, Importance.HIGH,
                    TOPIC_CREATE_DOC)
            .define(TOPIC_PARTITIONS_CONFIG, ConfigType.INT, TOPIC_PARTITIONS_DEFAULT, Validator.between(1, 10_000),
                    Importance.MEDIUM, TOPIC_PARTITIONS_DOC)
            .define(TOPIC_REPLICATION_CONFIG, ConfigType.INT, TOPIC_REPLICATION_DEFAULT, replicationFactor(),
                    Importance.MEDIUM, TOPIC_REPLICATION_DOC)
            .define(TOPIC_MIN_INSYNC_CONFIG, ConfigType.INT, TOPIC_MIN_INSYNC_DEFAULT, replicationFactor(),
                    Importance.MEDIUM, TOPIC_MIN_INSYNC_DOC)
            .define(GROUP_PROTOCOL_CONFIG, ConfigType.STRING, GROUP_PROTOCOL_DEFAULT, Validator.oneOf("classic",
                    "consumer"), Importance.MEDIUM, GROUP_PROTOCOL_DOC)
            .define(CONNECT_TIMEOUT_CONFIG, ConfigType.LONG, CONNECT_TIMEOUT_DEFAULT, Validator.between(1, 600_000),
                    Importance.MEDIUM, CONNECT_TIMEOUT_DOC)
            .define(REQUEST_TIMEOUT_CONFIG, ConfigType.LONG, REQUEST_TIMEOUT_DEFAULT, Validator.between(1, 600_000),
                    Importance.MEDIUM, REQUEST_TIMEOUT_DOC)
            .define(DELIVERY_TIMEOUT_CONFIG, ConfigType.LONG, DELIVERY_TIMEOUT_DEFAULT,
                    Validator.between(1, 3_600_000), Importance.MEDIUM, DELIVERY_TIMEOUT_DOC)
            .define(MAX_BLOCK_CONFIG, ConfigType.LONG, MAX_BLOCK_DEFAULT, Validator.between(0, 600_000),
                    Importance.MEDIUM, MAX_BLOCK_DOC)
            .define(STARTUP_CHECK_CONFIG, ConfigType.BOOLEAN, STARTUP_CHECK_DEFAULT, null, Importance.MEDIUM,
                    STARTUP_CHECK_DOC)
            .define(COMMIT_INTERVAL_CONFIG, ConfigType.LONG, COMMIT_INTERVAL_DEFAULT, Validator.between(1, 600_000),
                    Importance.LOW, COMMIT_INTERVAL_DOC)
            .define(REBALANCE_DRAIN_CONFIG, ConfigType.LONG, REBALANCE_DRAIN_DEFAULT, Validator.between(0, 600_000),
                    Importance.LOW, REBALANCE_DRAIN_DOC)
            .define(READY_TIMEOUT_CONFIG, ConfigType.LONG, READY_TIMEOUT_DEFAULT, Validator.between(1, 3_600_000),
                    Importance.LOW, READY_TIMEOUT_DOC)
            .definePassThrough(PRODUCER_PREFIX, "Any KafkaProducer setting (kafka-clients 4.3), prefix stripped, for "
                    + "example kafka.producer.compression.type=zstd. Overrides the profile. Serializers and "
                    + "bootstrap.servers are the transport's own and are rejected here.")
            .definePassThrough(CONSUMER_PREFIX, "Any KafkaConsumer setting, prefix stripped, for example "
                    + "kafka.consumer.max.poll.records=200. Overrides the profile. group.id, group.protocol, "
                    + "enable.auto.commit, auto.offset.reset, deserializers and bootstrap.servers are set by the "
                    + "transport and the subscription and are rejected here.")
            .definePassThrough(ADMIN_PREFIX, "Any Admin client setting, prefix stripped, for example security "
                    + "settings. The same security settings usually have to be given for producer and consumer too.");

    private KafkaConfig() {
    }

    private static Validator replicationFactor() {
        return new Validator() {
            @Override
            public String check(Object value) {
                int v = (Integer) value;
                return v == -1 || (v >= 1 && v <= 32) ? null : "must be -1 (broker default) or between 1 and 32";
            }

            @Override
            public String describe() {
                return "-1 or [1,...,32]";
            }
        };
    }
}
