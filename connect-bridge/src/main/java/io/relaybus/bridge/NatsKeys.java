package io.relaybus.bridge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.relaybus.api.BusConfigException;
import io.relaybus.nats.NatsConfig;
import io.relaybus.nats.NatsTransportProvider;
import io.relaybus.spi.config.ConfigKey;
import io.relaybus.spi.config.ConfigValues;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.types.Password;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NATS transport's keys as both connectors use them: the same names, types, defaults, checks and documentation as
 * {@link NatsConfig#DEFINITION} (one definition, turned into Connect {@link ConfigDef} entries here), the deprecated
 * names of earlier bridge versions, and the values the transport is opened with.
 *
 * <p><b>Deprecated names</b> work as they did, the way MirrorMaker 2 translates its deprecated configs: a value under
 * an old name is used for the new key unless the new key is set too (then the new key wins), and each use logs one
 * WARN naming the new key. Stateless.
 */
final class NatsKeys {

    private static final Logger log = LoggerFactory.getLogger(NatsKeys.class);

    static final String GROUP = "NATS connection";

    /** Connection, authentication and TLS: both connectors. */
    static final List<String> CONNECTION = List.of(NatsConfig.SERVERS_CONFIG, NatsConfig.CONNECT_TIMEOUT_CONFIG,
            NatsConfig.RECONNECT_WAIT_CONFIG, NatsConfig.RECONNECT_BUFFER_CONFIG, NatsConfig.CREDS_FILE_CONFIG,
            NatsConfig.TOKEN_CONFIG, NatsConfig.USER_CONFIG, NatsConfig.PASSWORD_CONFIG, NatsConfig.NKEY_SEED_CONFIG,
            NatsConfig.TLS_ENABLED_CONFIG, NatsConfig.TLS_FIRST_CONFIG, NatsConfig.TRUSTSTORE_PATH_CONFIG,
            NatsConfig.TRUSTSTORE_PASSWORD_CONFIG, NatsConfig.KEYSTORE_PATH_CONFIG,
            NatsConfig.KEYSTORE_PASSWORD_CONFIG);

    /** The source's consumer keys. */
    static final List<String> CONSUMER = List.of(NatsConfig.MODE_CONFIG, NatsConfig.ACK_WAIT_CONFIG,
            NatsConfig.MAX_ACK_PENDING_CONFIG, NatsConfig.FETCH_MAX_MESSAGES_CONFIG, NatsConfig.FETCH_MAX_WAIT_CONFIG,
            NatsConfig.INTAKE_MAX_RESTARTS_CONFIG);

    /** The sink's publish keys. */
    static final List<String> PUBLISHER = List.of(NatsConfig.PUBLISH_TIMEOUT_CONFIG, NatsConfig.PUBLISH_WINDOW_CONFIG);

    /** Names of earlier bridge versions, to the key that replaced them. */
    static final Map<String, String> DEPRECATED = deprecated();

    private static Map<String, String> deprecated() {
        Map<String, String> m = new LinkedHashMap<>();   // ordered: the generated reference lists them in this order
        m.put("nats.username", NatsConfig.USER_CONFIG);
        m.put("nats.connection.timeout.ms", NatsConfig.CONNECT_TIMEOUT_CONFIG);
        m.put("nats.ack.wait.ms", NatsConfig.ACK_WAIT_CONFIG);
        m.put("nats.max.ack.pending", NatsConfig.MAX_ACK_PENDING_CONFIG);
        m.put("nats.publish.max.outstanding", NatsConfig.PUBLISH_WINDOW_CONFIG);
        m.put("nats.publish.ack.timeout.ms", NatsConfig.PUBLISH_TIMEOUT_CONFIG);
        return java.util.Collections.unmodifiableMap(m);
    }

    static final String CONNECT_RETRY_CONFIG = "nats.connect.retry.max.ms";
    static final String CONNECT_RETRY_DOC = "How long a task keeps trying to reach NATS when it starts (each attempt "
            + "bounded by nats.connect.timeout.ms, with pauses from nats.reconnect.wait.ms doubling up to 30 s; every "
            + "attempt is logged) before it fails with the last error. 0: one attempt. Refused credentials and a server "
            + "without JetStream fail at once.";
    static final long CONNECT_RETRY_DEFAULT = 300_000;

    static final String VALIDATE_ONLINE_CONFIG = "nats.validate.online";
    static final String VALIDATE_ONLINE_DOC = "Whether PUT .../config/validate also connects to NATS (within "
            + "nats.connect.timeout.ms) and, for the source in JetStream mode, looks up the stream of each subject; "
            + "what fails is reported as a field error on nats.servers or nats.subjects. Off: validation stays offline.";

    static final String BRIDGE_ID_CONFIG = "bridge.id";
    static final String BRIDGE_ID_DOC = "This connector's id in the " + Origins.HEADER + " header it adds to every "
            + "message it writes. Empty means the connector name.";
    static final String ORIGIN_SKIP_CONFIG = "bridge.origin.skip";
    static final String ORIGIN_SKIP_DOC = "Origin ids (the bridge.id of the peer connector in a two-way deployment) "
            + "whose messages are not forwarded: the source acks and skips NATS messages carrying one of them, the "
            + "sink skips Kafka records carrying one of them. Prevents echo loops.";

    private NatsKeys() {
    }

    /** Adds the transport's {@code keys}, their deprecated names and the bridge's connection keys to {@code def}. */
    static ConfigDef define(ConfigDef def, String group, List<String> keys) {
        int order = 0;
        for (String name : keys) {
            ConfigKey key = NatsConfig.DEFINITION.keys().get(name);
            if (key == null) {
                throw new IllegalStateException("the NATS transport defines no key " + name);
            }
            def.define(name, type(key), key.defaultValue() == null ? null : String.valueOf(key.defaultValue()),
                    key.validator() == null ? null : new TransportCheck(key.validator()), importance(key), key.doc(),
                    group, ++order, ConfigDef.Width.MEDIUM, name);
        }
        for (Map.Entry<String, String> alias : DEPRECATED.entrySet()) {
            if (keys.contains(alias.getValue())) {
                ConfigDef.ConfigKey target = def.configKeys().get(alias.getValue());
                def.define(alias.getKey(), target.type, null, target.importance == Importance.HIGH
                        ? Importance.MEDIUM : Importance.LOW, "Deprecated: use " + alias.getValue() + ".",
                        group, ++order, ConfigDef.Width.MEDIUM, alias.getKey());
            }
        }
        return def;
    }

    /**
     * What a connector's definition starts with: the connection keys, the transport's {@code keys} of the connector's
     * role (publishing or consuming) in {@code group}, and the bridge's own keys ({@link #defineBridgeKeys}).
     */
    static ConfigDef connectorDefinition(String group, List<String> keys) {
        ConfigDef def = define(new ConfigDef(), GROUP, CONNECTION);
        define(def, group, keys);
        return defineBridgeKeys(def);
    }

    /** Adds the keys both connectors have beyond the transport's: start-up retry and loop prevention. */
    static ConfigDef defineBridgeKeys(ConfigDef def) {
        return def
                .define(CONNECT_RETRY_CONFIG, Type.LONG, CONNECT_RETRY_DEFAULT, ConfigDef.Range.between(0, 86_400_000),
                        Importance.LOW, CONNECT_RETRY_DOC, GROUP, 100, ConfigDef.Width.SHORT, "Connect retry (ms)")
                .define(VALIDATE_ONLINE_CONFIG, Type.BOOLEAN, false, Importance.LOW, VALIDATE_ONLINE_DOC, GROUP, 101,
                        ConfigDef.Width.SHORT, "Validate online")
                .define(BRIDGE_ID_CONFIG, Type.STRING, "", Importance.MEDIUM, BRIDGE_ID_DOC,
                        "Loop prevention", 1, ConfigDef.Width.MEDIUM, "Bridge id")
                .define(ORIGIN_SKIP_CONFIG, Type.LIST, "", Importance.MEDIUM, ORIGIN_SKIP_DOC,
                        "Loop prevention", 2, ConfigDef.Width.LONG, "Skip origins");
    }

    /**
     * {@code props} with every deprecated name replaced by its new key (unless the new key is set too), logging one
     * WARN per deprecated name used.
     */
    static Map<String, String> translate(Map<String, String> props) {
        return translate(props, true);
    }

    /** {@link #translate(Map)}, logging the WARNs only when {@code warn} (not while validating). */
    static Map<String, String> translate(Map<String, String> props, boolean warn) {
        Map<String, String> out = new LinkedHashMap<>(props);
        for (Map.Entry<String, String> alias : DEPRECATED.entrySet()) {
            String old = out.remove(alias.getKey());
            if (old == null) {
                continue;
            }
            if (!warn) {
                out.putIfAbsent(alias.getValue(), old);
            } else if (out.containsKey(alias.getValue())) {
                log.warn("Configuration {} is deprecated and ignored because {} is set too; remove {}",
                        alias.getKey(), alias.getValue(), alias.getKey());
            } else {
                out.put(alias.getValue(), old);
                log.warn("Configuration {} is deprecated; its value is used for {}. Rename it to {}",
                        alias.getKey(), alias.getValue(), alias.getValue());
            }
        }
        return out;
    }

    /**
     * The values to open the transport with: the transport's keys from {@code props} (already translated), plus what
     * the bridge fixes: streams are never created ({@code nats.stream.provision=false}) and subjects are used as they
     * are (no prefix). Problems (the transport's own checks, cross-key rules included) are added to {@code problems}.
     */
    static ConfigValues transportValues(Map<String, String> props, String mode, List<BusConfigException.Problem> problems) {
        Map<String, Object> nats = new LinkedHashMap<>();
        props.forEach((k, v) -> {
            if (NatsConfig.DEFINITION.keys().containsKey(k) && v != null) {
                nats.put(k, v);
            }
        });
        nats.put(NatsConfig.STREAM_PROVISION_CONFIG, "false");
        nats.put(NatsConfig.SUBJECT_PREFIX_CONFIG, "");
        nats.put(NatsConfig.MODE_CONFIG, mode);
        ConfigValues values = NatsConfig.DEFINITION.parse(nats, problems);
        new NatsTransportProvider().validate(values, problems);   // the transport's cross-key rules
        return values;
    }

    /**
     * Adds the transport's cross-key problems (several authentication methods, user without password, a server URL
     * jnats cannot parse) to the per-field results, on each key a problem names.
     */
    static void validate(Map<String, String> props, String mode, Map<String, ConfigValue> values) {
        List<BusConfigException.Problem> problems = new ArrayList<>();
        transportValues(translate(props, false), mode, problems);
        for (BusConfigException.Problem p : problems) {
            for (String key : p.key().split(",\\s*")) {
                ConfigValue field = values.get(key);
                if (field != null && !field.errorMessages().contains(p.toString())
                        && (field.errorMessages().isEmpty() || p.key().contains(","))) {
                    field.addErrorMessage(p.toString());
                }
            }
        }
        for (Map.Entry<String, String> alias : DEPRECATED.entrySet()) {
            if (props.containsKey(alias.getKey()) && props.containsKey(alias.getValue())) {
                addError(values, alias.getKey(), "Configuration " + alias.getKey() + " is deprecated and "
                        + alias.getValue() + " is set too; remove " + alias.getKey());
            }
        }
    }

    /**
     * With {@code nats.validate.online=true} and no other problem: connects once and, when {@code subjects} is not
     * null, looks up the stream of each (named {@code stream}, or found by subject). Failures become field errors on
     * {@code nats.servers} (never showing user information) or {@code nats.subjects}.
     */
    static void validateOnline(Map<String, String> props, String mode, List<String> subjects, String stream,
                               String subjectsKey, Map<String, ConfigValue> values) {
        if (!"true".equalsIgnoreCase(String.valueOf(props.get(VALIDATE_ONLINE_CONFIG)).trim())
                || values.values().stream().anyMatch(v -> !v.errorMessages().isEmpty())) {
            return;
        }
        List<BusConfigException.Problem> problems = new ArrayList<>();
        ConfigValues transportValues = transportValues(translate(props, false), mode, problems);
        if (!problems.isEmpty()) {
            return;
        }
        try (io.relaybus.spi.Transport t = new NatsTransportProvider().create(
                new io.relaybus.spi.TransportContext("relaybus-validate", transportValues))) {
            io.relaybus.nats.support.JetStreamSupport js =
                    t.unwrap(io.relaybus.nats.support.JetStreamSupport.class).orElse(null);
            for (String subject : subjects == null || js == null ? List.<String>of() : subjects) {
                try {
                    js.streamState(stream, subject);
                } catch (io.relaybus.api.BusException e) {
                    addError(values, subjectsKey, "Invalid value " + subject + " for configuration " + subjectsKey
                            + ": " + e.getMessage());
                }
            }
        } catch (io.relaybus.api.BusException e) {
            String servers = String.join(",", transportValues.getList(NatsConfig.SERVERS_CONFIG).stream()
                    .map(io.relaybus.spi.support.UrlCredentials::hide).toList());
            addError(values, NatsConfig.SERVERS_CONFIG, "Invalid value " + servers + " for configuration "
                    + NatsConfig.SERVERS_CONFIG + ": " + e.getMessage());
        }
    }

    /** The per-key results of a connector's {@code validate}, by key, to add cross-key problems to. */
    static Map<String, ConfigValue> byName(org.apache.kafka.common.config.Config config) {
        Map<String, ConfigValue> values = new LinkedHashMap<>();
        config.configValues().forEach(v -> values.put(v.name(), v));
        return values;
    }

    static void addError(Map<String, ConfigValue> values, String name, String message) {
        values.computeIfAbsent(name, ConfigValue::new).addErrorMessage(message);
    }

    /** The configured bridge id, or the connector name. */
    static Origins origins(Map<String, String> props) {
        String id = props.getOrDefault(BRIDGE_ID_CONFIG, "");
        if (id.isBlank()) {
            id = props.getOrDefault("name", "relaybus-bridge");
        }
        String skip = props.getOrDefault(ORIGIN_SKIP_CONFIG, "");
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (String s : skip.split(",")) {
            if (!s.isBlank()) {
                ids.add(s.trim());
            }
        }
        return new Origins(id.trim(), ids);
    }

    /** Connect's type of a transport key: both enums name the same types. */
    private static Type type(ConfigKey key) {
        return Type.valueOf(key.type().name());
    }

    private static Importance importance(ConfigKey key) {
        return Importance.valueOf(key.importance().name());
    }

    /** The transport's check of one key, as a Connect validator (a secret's value is never shown). */
    private record TransportCheck(io.relaybus.spi.config.Validator check) implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null) {
                return;
            }
            Object converted = value instanceof Password p ? new io.relaybus.spi.config.Password(p.value()) : value;
            String reason = check.check(converted);
            if (reason != null) {
                throw new ConfigException(name, value instanceof Password ? "[hidden]" : value, reason);
            }
        }

        @Override
        public String toString() {
            return check.describe();
        }
    }
}
