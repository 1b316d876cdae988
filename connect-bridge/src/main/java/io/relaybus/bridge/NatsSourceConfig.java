package io.relaybus.bridge;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * Configuration of {@link NatsSourceConnector} / {@link NatsSourceTask}: one {@code X_CONFIG} / {@code X_DOC}
 * pair per key, the {@link ConfigDef} built from them, and typed accessors. Immutable.
 */
final class NatsSourceConfig extends AbstractConfig {

    enum Mode { JETSTREAM, CORE }

    enum DeliverFrom { ALL, NEW }

    static final String SUBJECTS_CONFIG = "nats.subjects";
    static final String SUBJECTS_DOC = "Subjects to read, wildcards allowed (orders.*, events.>). Each subject is "
            + "one source partition (JetStream: one durable consumer filtered on it); subjects are dealt to up to "
            + "tasks.max tasks.";
    static final String MODE_CONFIG = "nats.mode";
    static final String MODE_DOC = "jetstream: a durable pull consumer per subject; a message is acked only after "
            + "Kafka acknowledged its record (at-least-once, exactly-once with exactly.once.source.support). "
            + "core: a plain core NATS subscription, at-most-once: messages published while the task is down, "
            + "or buffered in the task when it stops, are lost.";
    static final String STREAM_CONFIG = "nats.stream";
    static final String STREAM_DOC = "JetStream stream holding the subjects. Empty: looked up by subject (exactly "
            + "one stream must capture each subject).";
    static final String DURABLE_PREFIX_CONFIG = "nats.durable.prefix";
    static final String DURABLE_PREFIX_DOC = "Prefix of the durable consumer names (<prefix>-<subject with . * > "
            + "replaced>). Empty: relaybus-<connector name>.";
    static final String DELIVER_CONFIG = "nats.deliver.policy";
    static final String DELIVER_DOC = "Where a new durable consumer starts when no source offset is stored: all "
            + "(the whole stream) or new (messages published from now on). With a stored offset the consumer "
            + "starts at the stored stream sequence + 1.";
    static final String ACK_WAIT_CONFIG = "nats.ack.wait.ms";
    static final String ACK_WAIT_DOC = "JetStream redelivers a message not acked within this time. It must cover "
            + "batching plus the Kafka producer's delivery.timeout.ms, or messages are duplicated.";
    static final String MAX_ACK_PENDING_CONFIG = "nats.max.ack.pending";
    static final String MAX_ACK_PENDING_DOC = "Most messages per durable consumer delivered but not yet acked, i.e. "
            + "in flight to Kafka. Bounds memory and the duplicates after a crash.";
    static final String FETCH_MAX_CONFIG = "nats.fetch.max.messages";
    static final String FETCH_MAX_DOC = "Most messages one pull request asks for.";
    static final String FETCH_WAIT_CONFIG = "nats.fetch.max.wait.ms";
    static final String FETCH_WAIT_DOC = "How long one pull request waits for messages.";

    static final String TOPIC_TEMPLATE_CONFIG = "kafka.topic.template";
    static final String TOPIC_TEMPLATE_DOC = "Kafka topic of a message, from its real subject: {subject} is the "
            + "subject, {1}..{n} its tokens, e.g. nats.{1}.{2}. Characters not allowed in topic names become _.";
    static final String TOPIC_REGEX_CONFIG = "kafka.topic.regex";
    static final String TOPIC_REGEX_DOC = "Optional regex rename: if it matches the whole subject, the topic is "
            + "the subject with the regex replaced by kafka.topic.replacement; otherwise the template applies.";
    static final String TOPIC_REPLACEMENT_CONFIG = "kafka.topic.replacement";
    static final String TOPIC_REPLACEMENT_DOC = "Replacement for kafka.topic.regex, with $1.. group references.";
    static final String KEY_SOURCE_CONFIG = "kafka.key.source";
    static final String KEY_SOURCE_DOC = "Record key: none, token (a token of the real subject, kafka.key.token) "
            + "or header (a NATS header, kafka.key.header). Keys are strings (use the StringConverter).";
    static final String KEY_TOKEN_CONFIG = "kafka.key.token";
    static final String KEY_TOKEN_DOC = "1-based subject token used as key when kafka.key.source=token.";
    static final String KEY_HEADER_CONFIG = "kafka.key.header";
    static final String KEY_HEADER_DOC = "NATS header used as key when kafka.key.source=header.";

    static final String BATCH_RECORDS_CONFIG = "batch.max.records";
    static final String BATCH_RECORDS_DOC = "Most records one poll() returns.";
    static final String BATCH_BYTES_CONFIG = "batch.max.bytes";
    static final String BATCH_BYTES_DOC = "A poll batch is handed over once its payloads reach this size.";
    static final String BATCH_LINGER_CONFIG = "batch.linger.ms";
    static final String BATCH_LINGER_DOC = "How long a poll() batch waits after its first record for more. 0 "
            + "hands over what is queued when the worker asks; batches still grow by themselves while the worker is "
            + "busy sending the previous one.";
    static final String POLL_TIMEOUT_CONFIG = "poll.timeout.ms";
    static final String POLL_TIMEOUT_DOC = "How long poll() waits for a batch before returning nothing (so the "
            + "worker can commit offsets and react to stop requests).";

    /** Task-only keys, written by {@link NatsSourceConnector#taskConfigs}. */
    static final String TASK_SUBJECTS = "task.subjects";
    static final String TASK_MEMBER = "task.member";
    static final String TASK_MEMBERS = "task.members";

    static final ConfigDef CONFIG_DEF = define();

    NatsSourceConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
    }

    private static ConfigDef define() {
        ConfigDef def = NatsClientConfig.define(new ConfigDef());
        String g = "NATS source";
        int o = 0;
        def.define(SUBJECTS_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, Validators.subjectFilters(),
                        Importance.HIGH, SUBJECTS_DOC, g, ++o, Width.LONG, "Subjects")
                .define(MODE_CONFIG, Type.STRING, "jetstream", ConfigDef.CaseInsensitiveValidString.in("jetstream", "core"),
                        Importance.HIGH, MODE_DOC, g, ++o, Width.SHORT, "Mode")
                .define(STREAM_CONFIG, Type.STRING, "", Importance.MEDIUM, STREAM_DOC, g, ++o, Width.MEDIUM, "Stream")
                .define(DURABLE_PREFIX_CONFIG, Type.STRING, "", Validators.optionalName("durable-name prefix",
                                v -> Subjects.durableSafe(v).equals(v) ? null
                                        : "must contain only letters, digits, - and _"),
                        Importance.LOW, DURABLE_PREFIX_DOC, g, ++o, Width.MEDIUM, "Durable prefix")
                .define(DELIVER_CONFIG, Type.STRING, "all", ConfigDef.CaseInsensitiveValidString.in("all", "new"),
                        Importance.MEDIUM, DELIVER_DOC, g, ++o, Width.SHORT, "Deliver policy")
                .define(ACK_WAIT_CONFIG, Type.LONG, 60_000L, ConfigDef.Range.atLeast(1000), Importance.MEDIUM,
                        ACK_WAIT_DOC, g, ++o, Width.SHORT, "Ack wait (ms)")
                .define(MAX_ACK_PENDING_CONFIG, Type.INT, 5_000, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
                        MAX_ACK_PENDING_DOC, g, ++o, Width.SHORT, "Max ack pending")
                .define(FETCH_MAX_CONFIG, Type.INT, 500, ConfigDef.Range.between(1, 10_000), Importance.LOW,
                        FETCH_MAX_DOC, g, ++o, Width.SHORT, "Fetch size")
                .define(FETCH_WAIT_CONFIG, Type.LONG, 500L, ConfigDef.Range.between(10, 30_000), Importance.LOW,
                        FETCH_WAIT_DOC, g, ++o, Width.SHORT, "Fetch wait (ms)");
        g = "Kafka records";
        o = 0;
        def.define(TOPIC_TEMPLATE_CONFIG, Type.STRING, "{subject}",
                        Validators.template("template with {subject} and {1}..{n}", TopicMapper::placeholderProblem),
                        Importance.HIGH, TOPIC_TEMPLATE_DOC, g, ++o, Width.MEDIUM, "Topic template")
                .define(TOPIC_REGEX_CONFIG, Type.STRING, "", Validators.regexOrEmpty(), Importance.LOW,
                        TOPIC_REGEX_DOC, g, ++o, Width.MEDIUM, "Topic regex")
                .define(TOPIC_REPLACEMENT_CONFIG, Type.STRING, "", Importance.LOW, TOPIC_REPLACEMENT_DOC,
                        g, ++o, Width.MEDIUM, "Topic replacement")
                .define(KEY_SOURCE_CONFIG, Type.STRING, "none",
                        ConfigDef.CaseInsensitiveValidString.in("none", "token", "header"),
                        Importance.MEDIUM, KEY_SOURCE_DOC, g, ++o, Width.SHORT, "Key source")
                .define(KEY_TOKEN_CONFIG, Type.INT, 1, ConfigDef.Range.atLeast(1), Importance.LOW, KEY_TOKEN_DOC,
                        g, ++o, Width.SHORT, "Key token")
                .define(KEY_HEADER_CONFIG, Type.STRING, "", Importance.LOW, KEY_HEADER_DOC,
                        g, ++o, Width.MEDIUM, "Key header");
        g = "Batching";
        o = 0;
        def.define(BATCH_RECORDS_CONFIG, Type.INT, 1_000, ConfigDef.Range.between(1, 100_000), Importance.LOW,
                        BATCH_RECORDS_DOC, g, ++o, Width.SHORT, "Batch records")
                .define(BATCH_BYTES_CONFIG, Type.LONG, 1_048_576L, ConfigDef.Range.atLeast(1), Importance.LOW,
                        BATCH_BYTES_DOC, g, ++o, Width.SHORT, "Batch bytes")
                .define(BATCH_LINGER_CONFIG, Type.LONG, 0L, ConfigDef.Range.between(0, 60_000), Importance.LOW,
                        BATCH_LINGER_DOC, g, ++o, Width.SHORT, "Batch linger (ms)")
                .define(POLL_TIMEOUT_CONFIG, Type.LONG, 1_000L, ConfigDef.Range.between(10, 60_000), Importance.LOW,
                        POLL_TIMEOUT_DOC, g, ++o, Width.SHORT, "Poll timeout (ms)");
        return def;
    }

    Mode mode() {
        return Mode.valueOf(getString(MODE_CONFIG).toUpperCase(Locale.ROOT));
    }

    List<String> subjects() {
        return getList(SUBJECTS_CONFIG);
    }

    String stream() {
        return getString(STREAM_CONFIG);
    }

    String durablePrefix(String connectorName) {
        String p = getString(DURABLE_PREFIX_CONFIG);
        return p.isEmpty() ? "relaybus-" + Subjects.durableSafe(connectorName) : p;
    }

    DeliverFrom deliverFrom() {
        return DeliverFrom.valueOf(getString(DELIVER_CONFIG).toUpperCase(Locale.ROOT));
    }

    Duration ackWait() {
        return Duration.ofMillis(getLong(ACK_WAIT_CONFIG));
    }

    int maxAckPending() {
        return getInt(MAX_ACK_PENDING_CONFIG);
    }

    int fetchMax() {
        return getInt(FETCH_MAX_CONFIG);
    }

    Duration fetchWait() {
        return Duration.ofMillis(getLong(FETCH_WAIT_CONFIG));
    }

    TopicMapper topicMapper() {
        String regex = getString(TOPIC_REGEX_CONFIG);
        return new TopicMapper(Template.parse(getString(TOPIC_TEMPLATE_CONFIG)),
                regex.isEmpty() ? null : Pattern.compile(regex), getString(TOPIC_REPLACEMENT_CONFIG));
    }

    KeyExtractor keyExtractor() {
        return new KeyExtractor(KeyExtractor.Source.valueOf(getString(KEY_SOURCE_CONFIG).toUpperCase(Locale.ROOT)),
                getInt(KEY_TOKEN_CONFIG), getString(KEY_HEADER_CONFIG));
    }

    int batchRecords() {
        return getInt(BATCH_RECORDS_CONFIG);
    }

    long batchBytes() {
        return getLong(BATCH_BYTES_CONFIG);
    }

    Duration batchLinger() {
        return Duration.ofMillis(getLong(BATCH_LINGER_CONFIG));
    }

    Duration pollTimeout() {
        return Duration.ofMillis(getLong(POLL_TIMEOUT_CONFIG));
    }
}
