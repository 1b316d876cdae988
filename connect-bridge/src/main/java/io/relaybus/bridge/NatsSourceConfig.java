package io.relaybus.bridge;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.relaybus.nats.NatsConfig;
import io.relaybus.nats.support.Names;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * Configuration of {@link NatsSourceConnector} / {@link NatsSourceTask}: one {@code X_CONFIG} / {@code X_DOC}
 * pair per key, the {@link ConfigDef} built from them, and typed accessors. Immutable.
 */
final class NatsSourceConfig extends BridgeConfig {

    enum Mode { JETSTREAM, CORE }

    enum OffsetReset { EARLIEST, LATEST, FAIL }

    enum DeliverFrom { ALL, NEW }

    static final String SUBJECTS_CONFIG = "nats.subjects";
    static final String SUBJECTS_DOC = "Subjects to read, wildcards allowed (orders.*, events.>). Each subject is "
            + "one source partition (JetStream: one durable consumer filtered on it); subjects are dealt to up to "
            + "tasks.max tasks.";
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
    static final String OFFSET_RESET_CONFIG = "nats.offset.reset";
    static final String OFFSET_RESET_DOC = "What to do when the stored source offset of a subject is beyond its "
            + "stream (the stream was deleted and created again, or a memory stream lost its messages): earliest "
            + "resumes from the stream's first message, latest from the next one published, fail stops the task "
            + "(then reset the offsets, DELETE /connectors/{name}/offsets, or choose a policy). Logged as a WARN "
            + "either way: the task never skips messages silently.";
    static final String MAX_RECORD_BYTES_CONFIG = "kafka.max.record.bytes";
    static final String MAX_RECORD_BYTES_DOC = "Largest record (payload, key and headers) the source hands to Kafka; "
            + "set it to the worker producer's max.request.size (or producer.override.max.request.size). A larger "
            + "message follows errors.tolerance instead of failing in the producer.";
    static final String DEAD_LETTER_SUBJECT_CONFIG = "nats.dead.letter.subject";
    static final String DEAD_LETTER_SUBJECT_DOC = "With errors.tolerance=all: a NATS subject to publish messages to "
            + "that cannot be mirrored (too large, no topic for their subject), with the headers "
            + "relaybus-bridge-error and relaybus-bridge-error-subject, before they are acknowledged. Empty: they are "
            + "only logged and counted. A stream must store the subject.";

    static final String TOPIC_TEMPLATE_CONFIG = "kafka.topic.template";
    static final String TOPIC_TEMPLATE_DOC = "Kafka topic of a message, from its real subject: {subject} is the "
            + "subject, {1}..{n} its tokens, e.g. nats.{1}.{2}. Characters not allowed in topic names become _.";
    static final String TOPIC_REGEX_CONFIG = "kafka.topic.regex";
    static final String TOPIC_REGEX_DOC = "Optional regex rename: if it matches the whole subject, the topic is "
            + "the subject with the regex replaced by kafka.topic.replacement; otherwise the template applies.";
    static final String TOPIC_REPLACEMENT_CONFIG = "kafka.topic.replacement";
    static final String TOPIC_REPLACEMENT_DOC = "Replacement for kafka.topic.regex, with $1.. group references.";
    static final String KEY_SOURCE_CONFIG = "kafka.key.source";
    static final String KEY_SOURCE_DOC = "Record key: event (the key the message carries as the NATS transport's "
            + "Relaybus-Key header, exact bytes; none when it has none), none, token (a token of the real subject, "
            + "kafka.key.token) or header (the bytes of a NATS header, kafka.key.header). Keys are bytes: use the "
            + "ByteArrayConverter.";
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

    /** @param props the connector's configuration, deprecated names already translated ({@link NatsKeys#translate}) */
    NatsSourceConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
    }

    private static ConfigDef define() {
        ConfigDef def = NatsKeys.connectorDefinition("NATS consumer", NatsKeys.CONSUMER);
        new KeyGroup(def, "NATS source")
                .define(SUBJECTS_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, Validators.subjectFilters(),
                        Importance.HIGH, SUBJECTS_DOC, Width.LONG, "Subjects")
                .define(STREAM_CONFIG, Type.STRING, "", Importance.MEDIUM, STREAM_DOC, Width.MEDIUM, "Stream")
                .define(DURABLE_PREFIX_CONFIG, Type.STRING, "", Validators.optionalName("durable-name prefix",
                                v -> Subjects.durableSafe(v).equals(v) ? null
                                        : "must contain only letters, digits, - and _"),
                        Importance.LOW, DURABLE_PREFIX_DOC, Width.MEDIUM, "Durable prefix")
                .define(DELIVER_CONFIG, Type.STRING, "all", ConfigDef.CaseInsensitiveValidString.in("all", "new"),
                        Importance.MEDIUM, DELIVER_DOC, Width.SHORT, "Deliver policy")
                .define(OFFSET_RESET_CONFIG, Type.STRING, "earliest",
                        ConfigDef.CaseInsensitiveValidString.in("earliest", "latest", "fail"), Importance.MEDIUM,
                        OFFSET_RESET_DOC, Width.SHORT, "Offset reset")
                .define(DEAD_LETTER_SUBJECT_CONFIG, Type.STRING, "", Importance.LOW, DEAD_LETTER_SUBJECT_DOC,
                        Width.MEDIUM, "Dead-letter subject");
        new KeyGroup(def, "Kafka records")
                .define(TOPIC_TEMPLATE_CONFIG, Type.STRING, "{subject}",
                        Validators.template("template with {subject} and {1}..{n}", TopicMapper::placeholderProblem),
                        Importance.HIGH, TOPIC_TEMPLATE_DOC, Width.MEDIUM, "Topic template")
                .define(TOPIC_REGEX_CONFIG, Type.STRING, "", Validators.regexOrEmpty(), Importance.LOW,
                        TOPIC_REGEX_DOC, Width.MEDIUM, "Topic regex")
                .define(TOPIC_REPLACEMENT_CONFIG, Type.STRING, "", Importance.LOW, TOPIC_REPLACEMENT_DOC,
                        Width.MEDIUM, "Topic replacement")
                .define(KEY_SOURCE_CONFIG, Type.STRING, "event",
                        ConfigDef.CaseInsensitiveValidString.in("event", "none", "token", "header"),
                        Importance.MEDIUM, KEY_SOURCE_DOC, Width.SHORT, "Key source")
                .define(KEY_TOKEN_CONFIG, Type.INT, 1, ConfigDef.Range.atLeast(1), Importance.LOW, KEY_TOKEN_DOC,
                        Width.SHORT, "Key token")
                .define(KEY_HEADER_CONFIG, Type.STRING, "", Importance.LOW, KEY_HEADER_DOC, Width.MEDIUM,
                        "Key header")
                .define(MAX_RECORD_BYTES_CONFIG, Type.INT, 1_048_576, ConfigDef.Range.atLeast(1), Importance.LOW,
                        MAX_RECORD_BYTES_DOC, Width.SHORT, "Max record bytes");
        new KeyGroup(def, "Batching")
                .define(BATCH_RECORDS_CONFIG, Type.INT, 1_000, ConfigDef.Range.between(1, 100_000), Importance.LOW,
                        BATCH_RECORDS_DOC, Width.SHORT, "Batch records")
                .define(BATCH_BYTES_CONFIG, Type.LONG, 1_048_576L, ConfigDef.Range.atLeast(1), Importance.LOW,
                        BATCH_BYTES_DOC, Width.SHORT, "Batch bytes")
                .define(BATCH_LINGER_CONFIG, Type.LONG, 0L, ConfigDef.Range.between(0, 60_000), Importance.LOW,
                        BATCH_LINGER_DOC, Width.SHORT, "Batch linger (ms)")
                .define(POLL_TIMEOUT_CONFIG, Type.LONG, 1_000L, ConfigDef.Range.between(10, 60_000), Importance.LOW,
                        POLL_TIMEOUT_DOC, Width.SHORT, "Poll timeout (ms)");
        return def;
    }

    Mode mode() {
        return enumValue(Mode.class, NatsConfig.MODE_CONFIG);
    }

    OffsetReset offsetReset() {
        return enumValue(OffsetReset.class, OFFSET_RESET_CONFIG);
    }

    int maxRecordBytes() {
        return getInt(MAX_RECORD_BYTES_CONFIG);
    }

    String deadLetterSubject() {
        return getString(DEAD_LETTER_SUBJECT_CONFIG);
    }

    List<String> subjects() {
        return getList(SUBJECTS_CONFIG);
    }

    String stream() {
        return getString(STREAM_CONFIG);
    }

    /**
     * The durable consumer name of one subject: {@code <prefix>-<subject with . * > replaced>}, where the prefix
     * defaults to {@code relaybus-<connector name>}; a name over 64 characters keeps its first 55 plus a hash of the
     * whole ({@link Names#sanitize}), so it stays a valid, distinct file name on the server.
     */
    String durableName(String connectorName, String subject) {
        String p = getString(DURABLE_PREFIX_CONFIG);
        String prefix = p.isEmpty() ? "relaybus-" + Subjects.durableSafe(connectorName) : p;
        return Names.sanitize(prefix + "-" + Subjects.durableSafe(subject));
    }

    DeliverFrom deliverFrom() {
        return enumValue(DeliverFrom.class, DELIVER_CONFIG);
    }

    TopicMapper topicMapper() {
        String regex = getString(TOPIC_REGEX_CONFIG);
        return new TopicMapper(Template.parse(getString(TOPIC_TEMPLATE_CONFIG)),
                regex.isEmpty() ? null : Pattern.compile(regex), getString(TOPIC_REPLACEMENT_CONFIG));
    }

    KeyExtractor keyExtractor() {
        return new KeyExtractor(enumValue(KeyExtractor.Source.class, KEY_SOURCE_CONFIG), getInt(KEY_TOKEN_CONFIG),
                getString(KEY_HEADER_CONFIG));
    }

    int batchRecords() {
        return getInt(BATCH_RECORDS_CONFIG);
    }

    long batchBytes() {
        return getLong(BATCH_BYTES_CONFIG);
    }

    Duration batchLinger() {
        return millis(BATCH_LINGER_CONFIG);
    }

    Duration pollTimeout() {
        return millis(POLL_TIMEOUT_CONFIG);
    }
}
