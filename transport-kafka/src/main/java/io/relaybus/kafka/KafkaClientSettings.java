package io.relaybus.kafka;

import io.relaybus.api.BusConfigException;
import io.relaybus.api.StartPosition;
import io.relaybus.spi.SubscriptionSpec;
import io.relaybus.spi.config.ConfigValues;
import io.relaybus.spi.config.Suggestions;
import io.relaybus.spi.config.Password;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns the validated {@code kafka.*} values into the property maps of the producer, the consumers and the Admin
 * client, and rejects contradictions. Layering, later steps winning: settings the transport owns, the profile, the
 * typed timeout keys, the pass-through settings. Remembers where each effective value came from, so that a rejection
 * names the keys the user has to change. Immutable after construction; thread safe.
 */
final class KafkaClientSettings {

    private static final Set<String> PRODUCER_OWNED = Set.of(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    private static final Set<String> CONSUMER_OWNED = Set.of(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
            ConsumerConfig.GROUP_ID_CONFIG, ConsumerConfig.GROUP_PROTOCOL_CONFIG, ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG);
    private static final Set<String> ADMIN_OWNED = Set.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    /** Settings the KIP-848 consumer protocol manages on the broker; the client refuses them. */
    private static final Set<String> CLASSIC_ONLY = Set.of(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG);

    private final String clientId;
    private final List<String> bootstrapServers;
    private final KafkaProfile profile;
    private final boolean consumerProtocol;
    private final Map<String, Object> producer = new LinkedHashMap<>();
    private final Map<String, Object> consumer = new LinkedHashMap<>();
    private final Map<String, Object> admin = new LinkedHashMap<>();
    private final Map<String, Object> consumerPassThrough;
    private final AtomicInteger consumers = new AtomicInteger();

    /** @throws BusConfigException naming every clashing or owned key */
    KafkaClientSettings(String clientId, ConfigValues config) {
        this.clientId = clientId;
        this.bootstrapServers = config.getList(KafkaConfig.BOOTSTRAP_SERVERS_CONFIG);
        this.profile = config.getEnum(KafkaConfig.PROFILE_CONFIG, KafkaProfile.class);
        this.consumerProtocol = "consumer".equalsIgnoreCase(config.getString(KafkaConfig.GROUP_PROTOCOL_CONFIG));
        List<BusConfigException.Problem> problems = new ArrayList<>();
        Map<String, String> source = new HashMap<>();
        String bootstrap = String.join(",", bootstrapServers);
        long connect = config.getLong(KafkaConfig.CONNECT_TIMEOUT_CONFIG);
        long request = config.getLong(KafkaConfig.REQUEST_TIMEOUT_CONFIG);
        long delivery = config.getLong(KafkaConfig.DELIVERY_TIMEOUT_CONFIG);
        String profileSource = KafkaConfig.PROFILE_CONFIG + "=" + profile.configName();

        Map<String, Object> common = new LinkedHashMap<>();
        common.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        common.put(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, connect);
        common.put(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG,
                Math.max(connect, CommonClientConfigs.DEFAULT_SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS));
        common.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, (int) request);

        // Producer: owned, profile, typed keys, pass-through.
        producer.putAll(common);
        producer.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-producer");
        producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        put(producer, source, profile.producerSettings(), profileSource);
        producer.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) delivery);
        producer.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, config.getLong(KafkaConfig.MAX_BLOCK_CONFIG));
        source.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, KafkaConfig.DELIVERY_TIMEOUT_CONFIG);
        source.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, KafkaConfig.REQUEST_TIMEOUT_CONFIG);
        Map<String, Object> producerPass = config.passThrough(KafkaConfig.PRODUCER_PREFIX);
        checkPassThrough(KafkaConfig.PRODUCER_PREFIX, producerPass, ProducerConfig.configDef(), PRODUCER_OWNED,
                "is the transport's own", problems);
        producerPass.forEach((k, v) -> {
            producer.put(k, v);
            source.put(k, KafkaConfig.PRODUCER_PREFIX + k);
        });
        checkProducer(source, problems);

        // Consumer: the parts shared by every subscription; per-subscription parts in consumerProperties().
        consumer.putAll(common);
        consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Topics are checked and created by the transport (kafka.topic.create), never as a side effect of a fetch.
        consumer.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // Records of aborted transactions (from other producers) are never events.
        consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) delivery);
        consumer.putAll(profile.consumerSettings());
        consumerPassThrough = config.passThrough(KafkaConfig.CONSUMER_PREFIX);
        checkPassThrough(KafkaConfig.CONSUMER_PREFIX, consumerPassThrough, ConsumerConfig.configDef(), CONSUMER_OWNED,
                "is set by the transport or per subscription (SubscribeOptions group and startFrom, "
                        + KafkaConfig.GROUP_PROTOCOL_CONFIG + ")", problems);
        if (consumerProtocol) {
            consumerPassThrough.keySet().stream().filter(CLASSIC_ONLY::contains).forEach(k -> problems.add(
                    new BusConfigException.Problem(KafkaConfig.CONSUMER_PREFIX + k,
                            String.valueOf(consumerPassThrough.get(k)), "contradicts " + KafkaConfig.GROUP_PROTOCOL_CONFIG
                            + "=consumer: with the KIP-848 protocol the broker manages " + k
                            + "; remove it or use " + KafkaConfig.GROUP_PROTOCOL_CONFIG + "=classic")));
        }
        consumer.putAll(consumerPassThrough);

        admin.putAll(common);
        admin.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId + "-admin");
        admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) delivery);
        Map<String, Object> adminPass = config.passThrough(KafkaConfig.ADMIN_PREFIX);
        checkPassThrough(KafkaConfig.ADMIN_PREFIX, adminPass, AdminClientConfig.configDef(), ADMIN_OWNED,
                "is the transport's own", problems);
        admin.putAll(adminPass);
        problems.addAll(KafkaTopics.configProblems(config));

        if (!problems.isEmpty()) {
            throw new BusConfigException(problems);
        }
    }

    private static void put(Map<String, Object> target, Map<String, String> source, Map<String, String> values,
                            String from) {
        values.forEach((k, v) -> {
            target.put(k, v);
            source.put(k, from);
        });
    }

    /**
     * Unknown keys (typos), keys the transport owns and values Kafka would refuse, each named with its prefix. The value
     * of an unknown key is never shown (a misspelt {@code ssl.keystore.pasword} holds a secret), nor that of a Kafka
     * PASSWORD-type key.
     */
    private static void checkPassThrough(String prefix, Map<String, Object> given, ConfigDef def, Set<String> owned,
                                         String ownedReason, List<BusConfigException.Problem> problems) {
        Map<String, ConfigDef.ConfigKey> known = def.configKeys();
        String client = prefix.substring(KafkaConfig.NAMESPACE.length(), prefix.length() - 1);
        given.forEach((k, v) -> {
            String key = prefix + k;
            ConfigDef.ConfigKey ck = known.get(k);
            if (ck == null) {
                String similar = Suggestions.closest(k, known.keySet(), 3);
                problems.add(new BusConfigException.Problem(key, Password.HIDDEN, "unknown key: not a setting of the "
                        + "kafka-clients 4.3 " + client + " client; "
                        + (similar == null ? "check the spelling" : "did you mean " + prefix + similar + "?")
                        + " (the value of an unknown key is never shown, it may be a secret)"));
                return;
            }
            String shown = ck.type == ConfigDef.Type.PASSWORD ? Password.HIDDEN : String.valueOf(v);
            if (owned.contains(k)) {
                String use = k.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)
                        ? "; use " + KafkaConfig.BOOTSTRAP_SERVERS_CONFIG : "";
                problems.add(new BusConfigException.Problem(key, shown, k + " " + ownedReason + use));
                return;
            }
            String reason = invalidReason(k, v, ck);
            if (reason != null) {
                problems.add(new BusConfigException.Problem(key, shown, reason));
            }
        });
    }

    /** Why Kafka would refuse {@code value} for {@code key}, in words that never repeat a secret; null when valid. */
    private static String invalidReason(String name, Object value, ConfigDef.ConfigKey key) {
        Object parsed;
        try {
            parsed = ConfigDef.parseType(name, value, key.type);
        } catch (ConfigException e) {
            return "must be " + describe(key.type) + (key.validator == null ? "" : ", valid values: " + key.validator);
        }
        if (key.validator == null) {
            return null;
        }
        try {
            key.validator.ensureValid(name, parsed);
            return null;
        } catch (ConfigException e) {
            String detail = key.type == ConfigDef.Type.PASSWORD ? "" : detail(e.getMessage(), name);
            return "valid values: " + key.validator + (detail.isEmpty() ? "" : " (" + detail + ")");
        }
    }

    /** Kafka's message without its "Invalid value X for configuration Y: " preamble, which repeats the value. */
    private static String detail(String message, String name) {
        if (message == null) {
            return "";
        }
        String marker = "for configuration " + name;
        int at = message.indexOf(marker);
        if (at < 0) {
            return message;
        }
        String rest = message.substring(at + marker.length());
        return rest.startsWith(": ") ? rest.substring(2) : rest;
    }

    private static String describe(ConfigDef.Type type) {
        switch (type) {
            case BOOLEAN: return "true or false";
            case INT: return "a 32-bit integer";
            case SHORT: return "a 16-bit integer";
            case LONG: return "a 64-bit integer";
            case DOUBLE: return "a number";
            case LIST: return "a comma-separated list";
            case CLASS: return "a class name on the class path";
            default: return "a " + type.name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Idempotence needs acks=all, retries and at most 5 requests in flight; the delivery timeout must cover one try.
     * A value that does not parse was already reported by {@link #checkPassThrough}; checks needing it are skipped.
     */
    private void checkProducer(Map<String, String> source, List<BusConfigException.Problem> problems) {
        Boolean idempotent = producerValue(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, Boolean.class);
        String idemFrom = ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG + "=true (from "
                + source.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG) + ")";
        if (Boolean.TRUE.equals(idempotent)) {
            String acks = String.valueOf(producer.get(ProducerConfig.ACKS_CONFIG)).trim().toLowerCase(Locale.ROOT);
            if (!acks.equals("all") && !acks.equals("-1")) {
                problems.add(clash(ProducerConfig.ACKS_CONFIG, source, "contradicts " + idemFrom + ": an idempotent "
                        + "producer needs acks=all; to trade durability for throughput also set "
                        + KafkaConfig.PRODUCER_PREFIX + ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG + "=false"));
            }
            Integer inFlight = producerValue(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, Integer.class);
            if (inFlight != null && inFlight > 5) {
                problems.add(clash(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, source, "contradicts "
                        + idemFrom + ": the Java client keeps order and de-duplicates retries for at most 5 requests "
                        + "in flight per connection; use 5 or less"));
            }
            Integer retries = producerValue(ProducerConfig.RETRIES_CONFIG, Integer.class);
            if (retries != null && retries == 0) {
                problems.add(clash(ProducerConfig.RETRIES_CONFIG, source, "contradicts " + idemFrom
                        + ": an idempotent producer must be allowed to retry"));
            }
        }
        Long linger = producerValue(ProducerConfig.LINGER_MS_CONFIG, Long.class);
        Integer request = producerValue(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.class);
        Integer delivery = producerValue(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.class);
        if (linger != null && request != null && delivery != null && delivery < linger + request) {
            problems.add(clash(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, source, "must be at least linger.ms ("
                    + linger + ", from " + source.getOrDefault(ProducerConfig.LINGER_MS_CONFIG, "default") + ") + "
                    + "request.timeout.ms (" + request + ", from " + source.getOrDefault(
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, KafkaConfig.REQUEST_TIMEOUT_CONFIG) + ")"));
        }
    }

    /** A producer setting as Kafka parses it (its default when unset), or null when it does not parse. */
    private <T> T producerValue(String name, Class<T> type) {
        ConfigDef.ConfigKey key = ProducerConfig.configDef().configKeys().get(name);
        Object raw = producer.containsKey(name) ? producer.get(name) : key.defaultValue;
        try {
            return raw == null ? null : type.cast(ConfigDef.parseType(name, raw, key.type));
        } catch (ConfigException | ClassCastException e) {
            return null;
        }
    }

    private BusConfigException.Problem clash(String clientKey, Map<String, String> source, String reason) {
        String from = source.getOrDefault(clientKey, KafkaConfig.PRODUCER_PREFIX + clientKey);
        String key = from.startsWith(KafkaConfig.PROFILE_CONFIG) ? KafkaConfig.PRODUCER_PREFIX + clientKey : from;
        return new BusConfigException.Problem(key, String.valueOf(producer.get(clientKey)), reason);
    }

    Map<String, Object> producerProperties() {
        return new LinkedHashMap<>(producer);
    }

    Map<String, Object> adminProperties() {
        return new LinkedHashMap<>(admin);
    }

    /**
     * The properties of one subscription's consumer. A group subscription joins the Kafka group of that name with
     * offsets reset as {@code startFrom} says; a groupless one gets no group at all (it assigns partitions itself and
     * never commits).
     */
    Map<String, Object> consumerProperties(SubscriptionSpec spec) {
        Map<String, Object> m = new LinkedHashMap<>(consumer);
        m.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-consumer-" + consumers.incrementAndGet() + "-" + spec.topic());
        m.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, spec.startFrom() == StartPosition.EARLIEST ? "earliest" : "latest");
        if (!consumerPassThrough.containsKey(ConsumerConfig.MAX_POLL_RECORDS_CONFIG)) {
            // No point fetching more per poll than the runtime can hold un-acknowledged.
            m.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(1, Math.min(500, spec.maxInFlight())));
        }
        if (spec.group() != null) {
            m.put(ConsumerConfig.GROUP_ID_CONFIG, spec.group());
            m.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, consumerProtocol ? "consumer" : "classic");
            if (!consumerProtocol && !consumerPassThrough.containsKey(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG)) {
                m.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
            }
        }
        return m;
    }

    List<String> bootstrapServers() {
        return bootstrapServers;
    }

    /** The bootstrap servers for messages. */
    String bootstrap() {
        return String.join(",", bootstrapServers);
    }

    KafkaProfile profile() {
        return profile;
    }

    Duration deliveryTimeout() {
        return Duration.ofMillis(producerValue(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.class));
    }

    Duration maxBlock() {
        return Duration.ofMillis(producerValue(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.class));
    }
}
