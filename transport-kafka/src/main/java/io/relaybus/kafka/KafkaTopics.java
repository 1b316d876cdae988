package io.relaybus.kafka;

import io.relaybus.api.BusConfigException;
import io.relaybus.api.BusException;
import io.relaybus.api.BusFatalException;
import io.relaybus.spi.config.ConfigValues;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Makes sure topics exist before they are used: checks with the Admin client the first time a topic is seen, creates
 * it when allowed ({@code kafka.topic.create}), and remembers the answer. A failed check is forgotten, so the next use
 * tries again. Thread safe; concurrent first uses of one topic share one check.
 *
 * <p>Replication of a created topic, checked against the brokers alive at that moment (Kafka cannot place more
 * replicas than live brokers): {@code kafka.topic.replication.factor} (-1: min(3, brokers) under the durable
 * profile, else the broker's default) and {@code kafka.topic.min.insync.replicas} (-1: 2 under the durable profile
 * when the topic has 2 or more replicas, else the broker's default). For example on 3 brokers the durable defaults
 * give 3 replicas with min.insync.replicas 2: an acknowledged event is on at least 2 brokers, and publishing goes on
 * while any one broker is down.
 */
final class KafkaTopics {

    private static final System.Logger LOG = System.getLogger(KafkaTopics.class.getName());

    private final Admin admin;
    private final boolean create;
    private final int partitions;
    private final int replicationFactor;
    private final int minInsync;
    private final boolean minInsyncTwo;
    private final IntSupplier brokerCount;
    private final String bootstrap;
    private final Map<String, CompletableFuture<Void>> checks = new ConcurrentHashMap<>();

    KafkaTopics(Admin admin, boolean create, int partitions, int replicationFactor, int minInsync,
                boolean minInsyncTwo, IntSupplier brokerCount, String bootstrap) {
        this.admin = admin;
        this.create = create;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
        this.minInsync = minInsync;
        this.minInsyncTwo = minInsyncTwo;
        this.brokerCount = brokerCount;
        this.bootstrap = bootstrap;
    }

    /** The longest topic name Kafka accepts. */
    static final int MAX_NAME_LENGTH = 249;

    /**
     * Why Kafka can never hold a topic of this name (its own rules: 1 to 249 characters out of ASCII letters, digits,
     * '.', '_' and '-', and not "." or ".."), or null when it can.
     */
    static String invalidName(String topic) {
        if (topic.isEmpty()) {
            return "a Kafka topic name cannot be empty";
        }
        if (topic.equals(".") || topic.equals("..")) {
            return "a Kafka topic cannot be named \".\" or \"..\"";
        }
        if (topic.length() > MAX_NAME_LENGTH) {
            return "a Kafka topic name has at most " + MAX_NAME_LENGTH + " characters; this one has " + topic.length();
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            boolean legal = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                    || c == '_' || c == '-';
            if (!legal) {
                return "a Kafka topic name may only contain ASCII letters, digits, '.', '_' and '-'; character "
                        + String.format("U+%04X", (int) c) + (Character.isISOControl(c) || Character.isWhitespace(c)
                        ? "" : " ('" + c + "')") + " at index " + i + " is not allowed";
            }
        }
        return null;
    }

    /**
     * Returns once {@code topic} exists, creating it if allowed; blocks at most {@code timeout} the first time.
     *
     * @throws BusFatalException     when the topic is missing and creation is disabled
     * @throws io.relaybus.api.BusRetriableException when the brokers did not answer in time
     */
    void ensure(String topic, Duration timeout) {
        CompletableFuture<Void> check = checks.get(topic);
        if (check != null && check.isDone() && !check.isCompletedExceptionally()) {
            return;
        }
        check = checks.computeIfAbsent(topic, t -> start(t, timeout));
        try {
            check.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BusException("Interrupted while checking Kafka topic " + topic, e);
        } catch (Exception e) {
            checks.remove(topic, check);
            throw KafkaErrors.translate(e instanceof java.util.concurrent.TimeoutException
                    ? new org.apache.kafka.common.errors.TimeoutException("topic check timed out", e) : e,
                    "Checking Kafka topic " + topic, bootstrap);
        }
    }

    private CompletableFuture<Void> start(String topic, Duration timeout) {
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        CompletableFuture<Void> result = new CompletableFuture<>();
        admin.describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs(ms)).allTopicNames()
                .whenComplete((found, error) -> {
                    if (error == null) {
                        result.complete(null);
                    } else if (KafkaErrors.unwrap(error) instanceof UnknownTopicOrPartitionException) {
                        if (!create) {
                            result.completeExceptionally(new BusFatalException("Kafka topic " + topic + " does not "
                                    + "exist on " + bootstrap + " and " + KafkaConfig.TOPIC_CREATE_CONFIG
                                    + "=false: create it first, or set " + KafkaConfig.TOPIC_CREATE_CONFIG + "=true"));
                        } else {
                            createTopic(topic, ms, result);
                        }
                    } else {
                        result.completeExceptionally(KafkaErrors.unwrap(error));
                    }
                });
        return result;
    }

    /** Counts the live brokers, checks the replication settings against them, then creates the topic. */
    private void createTopic(String topic, int timeoutMs, CompletableFuture<Void> result) {
        admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs)).nodes().whenComplete((nodes, e) -> {
            if (e != null) {
                result.completeExceptionally(KafkaErrors.unwrap(e));
                return;
            }
            NewTopic newTopic;
            try {
                newTopic = checkedNewTopic(topic, nodes.size());
            } catch (BusConfigException invalid) {
                result.completeExceptionally(invalid);
                return;
            }
            admin.createTopics(List.of(newTopic), new CreateTopicsOptions().timeoutMs(timeoutMs)).all()
                    .whenComplete((v, error) -> {
                        if (error == null || KafkaErrors.unwrap(error) instanceof TopicExistsException) {
                            result.complete(null);
                        } else {
                            result.completeExceptionally(KafkaErrors.unwrap(error));
                        }
                    });
        });
    }

    /**
     * {@link #newTopic(String, int)}, refused when it cannot be stored as configured on {@code brokers} live brokers.
     *
     * @throws BusConfigException naming the key, its value and the number of live brokers
     */
    NewTopic checkedNewTopic(String topic, int brokers) {
        NewTopic t = newTopic(topic, brokers);
        int rf = t.replicationFactor();
        if (replicationFactor > brokers) {
            throw new BusConfigException(KafkaConfig.TOPIC_REPLICATION_CONFIG, String.valueOf(replicationFactor),
                    "topic " + topic + " needs " + replicationFactor + " replicas but the Kafka cluster at " + bootstrap
                            + " has " + brokers + " live broker(s); lower it to at most " + brokers + " (or -1), or "
                            + "start the missing brokers");
        }
        if (minInsync > 0 && rf > 0 && minInsync > rf) {
            throw new BusConfigException(KafkaConfig.TOPIC_MIN_INSYNC_CONFIG, String.valueOf(minInsync),
                    "topic " + topic + " would get " + rf + " replica(s) (" + KafkaConfig.TOPIC_REPLICATION_CONFIG
                            + "=" + replicationFactor + ", " + brokers + " live broker(s) at " + bootstrap + ") and "
                            + "every publish would fail with NotEnoughReplicas; use at most " + rf);
        }
        if (replicationFactor == -1 && minInsyncTwo && rf < 3 && brokers < 3) {
            LOG.log(System.Logger.Level.WARNING, "Creating Kafka topic {0} with {1} replica(s): only {2} broker(s) "
                    + "are alive at {3}. Set {4}=3 to refuse creating topics with fewer replicas instead.", topic, rf,
                    brokers, bootstrap, KafkaConfig.TOPIC_REPLICATION_CONFIG);
        }
        return t;
    }

    /** {@link #newTopic(String, int)} with the broker count last seen by the transport. */
    NewTopic newTopic(String topic) {
        return newTopic(topic, brokerCount.getAsInt());
    }

    /**
     * The topic as it would be created on {@code brokers} live brokers: configured partitions and replication factor;
     * under the durable profile a replication factor of -1 becomes min(3, brokers) and, with 2 or more replicas,
     * min.insync.replicas defaults to 2, so an acknowledged event is on at least two brokers.
     */
    NewTopic newTopic(String topic, int brokers) {
        int rf = replicationFactor;
        if (rf == -1 && minInsyncTwo) {
            rf = Math.max(1, Math.min(3, brokers));
        }
        NewTopic t = new NewTopic(topic, Optional.of(partitions), rf == -1 ? Optional.empty()
                : Optional.of((short) rf));
        if (minInsync > 0) {
            t.configs(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(minInsync)));
        } else if (minInsyncTwo && rf >= 2) {
            t.configs(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2"));
        }
        return t;
    }

    /**
     * Replication settings that contradict each other whatever the cluster: more in-sync replicas required than
     * replicas.
     */
    static List<BusConfigException.Problem> configProblems(ConfigValues config) {
        List<BusConfigException.Problem> problems = new ArrayList<>();
        int rf = config.getInt(KafkaConfig.TOPIC_REPLICATION_CONFIG);
        int minInsync = config.getInt(KafkaConfig.TOPIC_MIN_INSYNC_CONFIG);
        if (rf > 0 && minInsync > rf) {
            problems.add(new BusConfigException.Problem(KafkaConfig.TOPIC_MIN_INSYNC_CONFIG, String.valueOf(minInsync),
                    "must not exceed " + KafkaConfig.TOPIC_REPLICATION_CONFIG + "=" + rf + ": every publish to a "
                            + "topic the transport creates would fail with NotEnoughReplicas"));
        }
        return problems;
    }
}
