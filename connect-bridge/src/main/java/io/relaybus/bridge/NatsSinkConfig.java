package io.relaybus.bridge;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * Configuration of {@link NatsSinkConnector} / {@link NatsSinkTask}: one {@code X_CONFIG} / {@code X_DOC} pair per
 * key, the {@link ConfigDef} built from them, and typed accessors. Immutable.
 */
final class NatsSinkConfig extends BridgeConfig {

    static final String SUBJECT_TEMPLATE_CONFIG = "nats.subject.template";
    static final String SUBJECT_TEMPLATE_DOC = "NATS subject of a record: {topic}, {partition}, {key} (the key as "
            + "UTF-8 text) and {header:NAME} are replaced, e.g. orders.{header:region}.{key}. A template that can "
            + "produce a wildcard or an empty token is refused; a record whose subject cannot be built (missing key or "
            + "header, a value with '.', '*', '>' or white space) follows errors.tolerance.";
    static final String KEY_HEADER_CONFIG = "nats.key.header";
    static final String KEY_HEADER_DOC = "Deprecated and not used: the record key travels as the NATS transport's "
            + "Relaybus-Key header (exact bytes), where bus subscribers and the source connector read it.";
    static final String RETRY_BACKOFF_CONFIG = "retry.backoff.ms";
    static final String RETRY_BACKOFF_DOC = "Pause before records are retried after a retriable NATS error.";

    static final ConfigDef CONFIG_DEF = define();

    /** @param props the connector's configuration, deprecated names already translated ({@link NatsKeys#translate}) */
    NatsSinkConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
    }

    private static ConfigDef define() {
        ConfigDef def = NatsKeys.connectorDefinition("NATS publishing", NatsKeys.PUBLISHER);
        new KeyGroup(def, "NATS sink")
                .define(SUBJECT_TEMPLATE_CONFIG, Type.STRING, "{topic}",
                        Validators.template("template with {topic}, {partition}, {key}, {header:NAME}",
                                SubjectTemplate::placeholderProblem),
                        Importance.HIGH, SUBJECT_TEMPLATE_DOC, Width.LONG, "Subject template")
                .define(KEY_HEADER_CONFIG, Type.STRING, null, Importance.LOW, KEY_HEADER_DOC, Width.MEDIUM,
                        "Key header (deprecated)")
                .define(RETRY_BACKOFF_CONFIG, Type.LONG, 1_000L, ConfigDef.Range.between(0, 600_000),
                        Importance.LOW, RETRY_BACKOFF_DOC, Width.SHORT, "Retry backoff (ms)");
        return def;
    }

    SubjectTemplate subjectTemplate() {
        return new SubjectTemplate(Template.parse(getString(SUBJECT_TEMPLATE_CONFIG)));
    }

    Duration retryBackoff() {
        return millis(RETRY_BACKOFF_CONFIG);
    }
}
