package io.relaybus.bridge;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * Configuration of {@link NatsSinkConnector} / {@link NatsSinkTask}: one {@code X_CONFIG} / {@code X_DOC} pair per
 * key, the {@link ConfigDef} built from them, and typed accessors. Immutable.
 */
final class NatsSinkConfig extends AbstractConfig {

    static final String SUBJECT_TEMPLATE_CONFIG = "nats.subject.template";
    static final String SUBJECT_TEMPLATE_DOC = "NATS subject of a record: {topic}, {partition}, {key} (the key as a "
            + "string) and {header:NAME} are replaced, e.g. orders.{header:region}.{key}. A record whose subject "
            + "cannot be built (missing key or header, invalid subject) is dead-lettered or fails the task.";
    static final String MAX_OUTSTANDING_CONFIG = "nats.publish.max.outstanding";
    static final String MAX_OUTSTANDING_DOC = "Most JetStream publishes awaiting their ack at any time; put() "
            + "blocks when the window is full.";
    static final String ACK_TIMEOUT_CONFIG = "nats.publish.ack.timeout.ms";
    static final String ACK_TIMEOUT_DOC = "A publish not acked by JetStream in this time is a retriable failure: "
            + "the partition is rewound to it and the records are published again (the Nats-Msg-Id makes JetStream "
            + "store them once).";
    static final String KEY_HEADER_CONFIG = "nats.key.header";
    static final String KEY_HEADER_DOC = "NATS header that carries the record key (as a string). Empty: the key is "
            + "not sent.";
    static final String RETRY_BACKOFF_CONFIG = "retry.backoff.ms";
    static final String RETRY_BACKOFF_DOC = "Pause before records are retried after a retriable NATS error.";

    static final ConfigDef CONFIG_DEF = define();

    NatsSinkConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
    }

    private static ConfigDef define() {
        ConfigDef def = NatsClientConfig.define(new ConfigDef());
        String g = "NATS sink";
        int o = 0;
        return def.define(SUBJECT_TEMPLATE_CONFIG, Type.STRING, "{topic}",
                        Validators.template("template with {topic}, {partition}, {key}, {header:NAME}",
                                SubjectTemplate::placeholderProblem),
                        Importance.HIGH, SUBJECT_TEMPLATE_DOC, g, ++o, Width.LONG, "Subject template")
                .define(MAX_OUTSTANDING_CONFIG, Type.INT, 1_000, ConfigDef.Range.between(1, 100_000),
                        Importance.MEDIUM, MAX_OUTSTANDING_DOC, g, ++o, Width.SHORT, "Max outstanding acks")
                .define(ACK_TIMEOUT_CONFIG, Type.LONG, 10_000L, ConfigDef.Range.atLeast(100), Importance.LOW,
                        ACK_TIMEOUT_DOC, g, ++o, Width.SHORT, "Ack timeout (ms)")
                .define(KEY_HEADER_CONFIG, Type.STRING, "relaybus-key", Importance.LOW, KEY_HEADER_DOC,
                        g, ++o, Width.MEDIUM, "Key header")
                .define(RETRY_BACKOFF_CONFIG, Type.LONG, 1_000L, ConfigDef.Range.between(0, 600_000),
                        Importance.LOW, RETRY_BACKOFF_DOC, g, ++o, Width.SHORT, "Retry backoff (ms)");
    }

    SubjectTemplate subjectTemplate() {
        return new SubjectTemplate(Template.parse(getString(SUBJECT_TEMPLATE_CONFIG)));
    }

    int maxOutstanding() {
        return getInt(MAX_OUTSTANDING_CONFIG);
    }

    Duration ackTimeout() {
        return Duration.ofMillis(getLong(ACK_TIMEOUT_CONFIG));
    }

    String keyHeader() {
        return getString(KEY_HEADER_CONFIG);
    }

    Duration retryBackoff() {
        return Duration.ofMillis(getLong(RETRY_BACKOFF_CONFIG));
    }
}
