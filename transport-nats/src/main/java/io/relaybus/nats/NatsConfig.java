package io.relaybus.nats;

import io.relaybus.nats.support.Names;

import io.relaybus.api.BusConfigException;
import io.relaybus.spi.config.ConfigDef;
import io.relaybus.spi.config.ConfigType;
import io.relaybus.spi.config.ConfigValues;
import io.relaybus.spi.config.Importance;
import io.relaybus.spi.config.Validator;
import io.relaybus.spi.support.UrlCredentials;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code nats.*} keys of the NATS transport: one {@code X_CONFIG} / {@code X_DOC} (/ {@code X_DEFAULT}) triple per
 * key, the {@link #DEFINITION} built from them, and typed accessors over validated values. The README's table is
 * generated from {@link #DEFINITION}. Immutable and thread safe.
 */
public final class NatsConfig {

    /** How the transport talks to NATS. */
    public enum Mode {
        /** JetStream: stored, acknowledged, at-least-once, de-duplicated by event id. */
        JETSTREAM,
        /** Core NATS: plain subjects, at-most-once, nothing stored. */
        CORE
    }

    public enum Storage { FILE, MEMORY }

    public enum Retention { LIMITS, WORKQUEUE, INTEREST }

    public enum Compression { NONE, S2 }

    public static final String SERVERS_CONFIG = "nats.servers";
    public static final String SERVERS_DEFAULT = "nats://127.0.0.1:4222";
    public static final String SERVERS_DOC = "Comma-separated server URLs (nats://host:port, tls://host:port). "
            + "User and password inside a URL are never logged; prefer nats.user and nats.password.";

    public static final String MODE_CONFIG = "nats.mode";
    public static final String MODE_DEFAULT = "jetstream";
    public static final String MODE_DOC = "jetstream: events are stored in streams, acknowledged by the server, "
            + "delivered at least once and de-duplicated by event id. core: plain NATS subjects, at most once, nothing "
            + "stored, lowest latency; groups become queue groups.";

    public static final String CONNECT_TIMEOUT_CONFIG = "nats.connect.timeout.ms";
    public static final long CONNECT_TIMEOUT_DEFAULT = 5_000;
    public static final String CONNECT_TIMEOUT_DOC = "How long opening the bus may take, over all servers together, "
            + "before it fails with a retriable error naming the servers tried.";

    public static final String RECONNECT_WAIT_CONFIG = "nats.reconnect.wait.ms";
    public static final long RECONNECT_WAIT_DEFAULT = 1_000;
    public static final String RECONNECT_WAIT_DOC = "Pause between reconnect attempts to the same server. The "
            + "connection reconnects forever once it was established.";

    public static final String RECONNECT_BUFFER_CONFIG = "nats.reconnect.buffer.bytes";
    public static final long RECONNECT_BUFFER_DEFAULT = 8L * 1024 * 1024;
    public static final String RECONNECT_BUFFER_DOC = "Bytes of outgoing messages buffered while reconnecting; "
            + "a publish that does not fit fails at once with a retriable error. 0 fails every publish while "
            + "disconnected.";

    public static final String PUBLISH_TIMEOUT_CONFIG = "nats.publish.timeout.ms";
    public static final long PUBLISH_TIMEOUT_DEFAULT = 10_000;
    public static final String PUBLISH_TIMEOUT_DOC = "How long a publish waits for the stream's acknowledgement "
            + "(JetStream) or the server's flush (core), including time waiting for room in the publish window, "
            + "before it fails with a retriable error. A timed-out event may still have been stored; publishing it "
            + "again with the same id inside the duplicate window stores it once.";

    public static final String PUBLISH_WINDOW_CONFIG = "nats.publish.window";
    public static final int PUBLISH_WINDOW_DEFAULT = 1024;
    public static final String PUBLISH_WINDOW_DOC = "Most JetStream publishes awaiting their acknowledgement at once. "
            + "When the window is full, publish blocks the caller (backpressure) until an acknowledgement arrives or "
            + "the publish timeout passes.";

    public static final String PUBLISH_LINGER_CONFIG = "nats.publish.linger.ms";
    public static final long PUBLISH_LINGER_DEFAULT = 0;
    public static final String PUBLISH_LINGER_DOC = "How long a publish may wait for others to share a batch. 0 (the "
            + "default, latency profile) sends every event at once; the client's writer still coalesces socket "
            + "writes. A few ms trades latency for fewer wake-ups under heavy load.";

    public static final String PUBLISH_BATCH_SIZE_CONFIG = "nats.publish.batch.size";
    public static final int PUBLISH_BATCH_SIZE_DEFAULT = 100;
    public static final String PUBLISH_BATCH_SIZE_DOC = "Most events in one publish batch (with a linger above 0).";

    public static final String SUBJECT_PREFIX_CONFIG = "nats.subject.prefix";
    public static final String SUBJECT_PREFIX_DEFAULT = "";
    public static final String SUBJECT_PREFIX_DOC = "Prepended to every topic to form its subject, for example "
            + "'app.' makes topic orders the subject app.orders. Empty: the subject is the topic.";

    public static final String STREAM_NAME_CONFIG = "nats.stream.name";
    public static final String STREAM_NAME_DEFAULT = "{topic}";
    public static final String STREAM_NAME_DOC = "The stream a topic's subject is stored in, when no existing stream "
            + "holds that subject already. {topic} is replaced by the topic; characters a stream name cannot have "
            + "(. * > space / \\) become _. A name without {topic}, such as EVENTS, puts every topic in one stream "
            + "(each topic's exact subject is added to it).";

    public static final String STREAM_PROVISION_CONFIG = "nats.stream.provision";
    public static final boolean STREAM_PROVISION_DEFAULT = true;
    public static final String STREAM_PROVISION_DOC = "Create a missing stream, or add the topic's subject to the "
            + "named stream, on first use. false: a subject no stream holds is a fatal error naming the stream to "
            + "create. Streams that exist are never changed otherwise.";

    public static final String STREAM_STORAGE_CONFIG = "nats.stream.storage";
    public static final String STREAM_STORAGE_DEFAULT = "file";
    public static final String STREAM_STORAGE_DOC = "Storage of streams this transport creates: file (survives a "
            + "server restart) or memory.";

    public static final String STREAM_RETENTION_CONFIG = "nats.stream.retention";
    public static final String STREAM_RETENTION_DEFAULT = "limits";
    public static final String STREAM_RETENTION_DOC = "Retention of streams this transport creates: limits (kept "
            + "until max age/bytes; every group and replay works), workqueue (removed once acknowledged; one group "
            + "per subject only) or interest (removed once every existing consumer acknowledged it).";

    public static final String STREAM_REPLICAS_CONFIG = "nats.stream.replicas";
    public static final int STREAM_REPLICAS_DEFAULT = 1;
    public static final String STREAM_REPLICAS_DOC = "Replicas of streams this transport creates (clustered servers).";

    public static final String STREAM_DUPLICATE_WINDOW_CONFIG = "nats.stream.duplicate.window.ms";
    public static final long STREAM_DUPLICATE_WINDOW_DEFAULT = 120_000;
    public static final String STREAM_DUPLICATE_WINDOW_DOC = "How long a stream this transport creates remembers "
            + "event ids: an event published again with the same id within it is stored once.";

    public static final String STREAM_MAX_AGE_CONFIG = "nats.stream.max.age.ms";
    public static final long STREAM_MAX_AGE_DEFAULT = 0;
    public static final String STREAM_MAX_AGE_DOC = "Age after which a stream this transport creates drops events. "
            + "0 keeps them forever.";

    public static final String STREAM_MAX_BYTES_CONFIG = "nats.stream.max.bytes";
    public static final long STREAM_MAX_BYTES_DEFAULT = -1;
    public static final String STREAM_MAX_BYTES_DOC = "Size at which a stream this transport creates drops its "
            + "oldest events. -1: unlimited.";

    public static final String STREAM_COMPRESSION_CONFIG = "nats.stream.compression";
    public static final String STREAM_COMPRESSION_DEFAULT = "none";
    public static final String STREAM_COMPRESSION_DOC = "Compression of streams this transport creates: none or s2. "
            + "s2 needs nats-server 2.10 or newer; with an older server opening the bus fails and says so.";

    public static final String CONSUMER_NAME_CONFIG = "nats.consumer.name";
    public static final String CONSUMER_NAME_DEFAULT = "{group}_{topic}";
    public static final String CONSUMER_NAME_DOC = "The durable consumer of a group; {group} and {topic} are "
            + "replaced, characters a consumer name cannot have become _. Including {topic} keeps one group's "
            + "consumers apart when several topics share a stream.";

    public static final String ACK_WAIT_CONFIG = "nats.consumer.ack.wait.ms";
    public static final long ACK_WAIT_DEFAULT = 30_000;
    public static final String ACK_WAIT_DOC = "How long the server waits for an event's acknowledgement before it "
            + "delivers it again. While the bus holds an event (queued or in a handler) it tells the server it is in "
            + "progress every third of this time, so a long handler is not a problem; the wait only decides how "
            + "soon the events of a crashed subscriber are delivered to another.";

    public static final String MAX_ACK_PENDING_CONFIG = "nats.consumer.max.ack.pending";
    public static final int MAX_ACK_PENDING_DEFAULT = 0;
    public static final String MAX_ACK_PENDING_DOC = "The server's limit of unacknowledged events per consumer, "
            + "i.e. per group over all its members. 0 derives it from the subscriber's capacity (concurrency x "
            + "(queue capacity + 1)); with several members in a group set it to their sum. Each member pulls only "
            + "as many events as it has room for, whatever this is.";

    public static final String INACTIVE_THRESHOLD_CONFIG = "nats.consumer.inactive.threshold.ms";
    public static final long INACTIVE_THRESHOLD_DEFAULT = 300_000;
    public static final String INACTIVE_THRESHOLD_DOC = "A subscriber without a group gets a consumer of its own, "
            + "deleted when it closes; if the process dies instead, the server deletes it after this long without "
            + "pulls.";

    public static final String FETCH_MAX_MESSAGES_CONFIG = "nats.fetch.max.messages";
    public static final int FETCH_MAX_MESSAGES_DEFAULT = 512;
    public static final String FETCH_MAX_MESSAGES_DOC = "Most events one pull request asks for, capped by the "
            + "subscriber's capacity (concurrency x (queue capacity + 1)). Pull requests are kept outstanding "
            + "(pipelined): up to this many events may wait in the client's buffer, counting against max_ack_pending "
            + "with their ack wait running; lower it, or raise the ack wait, for slow handlers.";

    public static final String FETCH_MAX_WAIT_CONFIG = "nats.fetch.max.wait.ms";
    public static final long FETCH_MAX_WAIT_DEFAULT = 1_000;
    public static final String FETCH_MAX_WAIT_DOC = "How long one pull request stays open on the server. Events are "
            + "handed over as they arrive, so this does not add latency; it bounds how long closing a subscription "
            + "waits for the last pull.";

    public static final String INTAKE_MAX_RESTARTS_CONFIG = "nats.intake.max.restarts";
    public static final int INTAKE_MAX_RESTARTS_DEFAULT = 10;
    public static final String INTAKE_MAX_RESTARTS_DOC = "How often in a row a subscription's pull loop is restarted "
            + "after pulling failed while connected (waiting nats.reconnect.wait.ms, doubling up to 30 s; the "
            + "subscription's health is DEGRADED meanwhile) before the subscription fails: health DOWN, its "
            + "completion() exceptional, its unacknowledged events left on the server. Failures while disconnected "
            + "are not counted: the client reconnects forever.";

    public static final String CORE_PENDING_LIMIT_CONFIG = "nats.core.pending.messages";
    public static final int CORE_PENDING_LIMIT_DEFAULT = 65_536;
    public static final String CORE_PENDING_LIMIT_DOC = "Core mode: events the client buffers for a subscription "
            + "whose handlers fall behind; beyond it the client drops events (at most once).";

    public static final String CORE_PENDING_BYTES_CONFIG = "nats.core.pending.bytes";
    public static final long CORE_PENDING_BYTES_DEFAULT = 64L * 1024 * 1024;
    public static final String CORE_PENDING_BYTES_DOC = "Core mode: bytes the client buffers for a subscription whose "
            + "handlers fall behind; beyond it the client drops events (at most once).";

    public static final String CREDS_FILE_CONFIG = "nats.creds.file";
    public static final String CREDS_FILE_DOC = "Path of a .creds file (user JWT and nkey seed) for decentralised "
            + "authentication.";

    public static final String TOKEN_CONFIG = "nats.token";
    public static final String TOKEN_DOC = "Authentication token.";

    public static final String USER_CONFIG = "nats.user";
    public static final String USER_DOC = "User name; needs nats.password.";

    public static final String PASSWORD_CONFIG = "nats.password";
    public static final String PASSWORD_DOC = "Password of nats.user.";

    public static final String NKEY_SEED_CONFIG = "nats.nkey.seed";
    public static final String NKEY_SEED_DOC = "An nkey seed (SU...) for nkey authentication without a JWT.";

    public static final String TLS_ENABLED_CONFIG = "nats.tls.enabled";
    public static final boolean TLS_ENABLED_DEFAULT = false;
    public static final String TLS_ENABLED_DOC = "Require TLS; with no trust store the JVM's default trust applies. "
            + "tls:// server URLs enable it too.";

    public static final String TLS_FIRST_CONFIG = "nats.tls.first";
    public static final boolean TLS_FIRST_DEFAULT = false;
    public static final String TLS_FIRST_DOC = "Start the TLS handshake before the server's INFO (server option "
            + "handshake_first; nats-server 2.10.3 or newer).";

    public static final String TRUSTSTORE_PATH_CONFIG = "nats.tls.truststore.path";
    public static final String TRUSTSTORE_PATH_DOC = "Trust store (JKS or PKCS12) with the server's CA.";

    public static final String TRUSTSTORE_PASSWORD_CONFIG = "nats.tls.truststore.password";
    public static final String TRUSTSTORE_PASSWORD_DOC = "Password of the trust store.";

    public static final String KEYSTORE_PATH_CONFIG = "nats.tls.keystore.path";
    public static final String KEYSTORE_PATH_DOC = "Key store with the client certificate, for mutual TLS.";

    public static final String KEYSTORE_PASSWORD_CONFIG = "nats.tls.keystore.password";
    public static final String KEYSTORE_PASSWORD_DOC = "Password of the key store.";

    public static final ConfigDef DEFINITION = new ConfigDef("nats.")
            .define(SERVERS_CONFIG, ConfigType.LIST, SERVERS_DEFAULT, Validator.nonEmpty(), Importance.HIGH, SERVERS_DOC)
            .define(MODE_CONFIG, ConfigType.STRING, MODE_DEFAULT, Validator.oneOf(Mode.class), Importance.HIGH, MODE_DOC)
            .define(CONNECT_TIMEOUT_CONFIG, ConfigType.LONG, CONNECT_TIMEOUT_DEFAULT, Validator.between(100, 600_000),
                    Importance.MEDIUM, CONNECT_TIMEOUT_DOC)
            .define(RECONNECT_WAIT_CONFIG, ConfigType.LONG, RECONNECT_WAIT_DEFAULT, Validator.between(10, 600_000),
                    Importance.LOW, RECONNECT_WAIT_DOC)
            .define(RECONNECT_BUFFER_CONFIG, ConfigType.LONG, RECONNECT_BUFFER_DEFAULT, Validator.atLeast(0),
                    Importance.LOW, RECONNECT_BUFFER_DOC)
            .define(PUBLISH_TIMEOUT_CONFIG, ConfigType.LONG, PUBLISH_TIMEOUT_DEFAULT, Validator.between(100, 600_000),
                    Importance.MEDIUM, PUBLISH_TIMEOUT_DOC)
            .define(PUBLISH_WINDOW_CONFIG, ConfigType.INT, PUBLISH_WINDOW_DEFAULT, Validator.between(1, 1_000_000),
                    Importance.MEDIUM, PUBLISH_WINDOW_DOC)
            .define(PUBLISH_LINGER_CONFIG, ConfigType.LONG, PUBLISH_LINGER_DEFAULT, Validator.between(0, 10_000),
                    Importance.LOW, PUBLISH_LINGER_DOC)
            .define(PUBLISH_BATCH_SIZE_CONFIG, ConfigType.INT, PUBLISH_BATCH_SIZE_DEFAULT,
                    Validator.between(1, 100_000), Importance.LOW, PUBLISH_BATCH_SIZE_DOC)
            .define(SUBJECT_PREFIX_CONFIG, ConfigType.STRING, SUBJECT_PREFIX_DEFAULT, null, Importance.MEDIUM,
                    SUBJECT_PREFIX_DOC)
            .define(STREAM_NAME_CONFIG, ConfigType.STRING, STREAM_NAME_DEFAULT, Validator.nonEmpty(),
                    Importance.MEDIUM, STREAM_NAME_DOC)
            .define(STREAM_PROVISION_CONFIG, ConfigType.BOOLEAN, STREAM_PROVISION_DEFAULT, null, Importance.MEDIUM,
                    STREAM_PROVISION_DOC)
            .define(STREAM_STORAGE_CONFIG, ConfigType.STRING, STREAM_STORAGE_DEFAULT, Validator.oneOf(Storage.class),
                    Importance.MEDIUM, STREAM_STORAGE_DOC)
            .define(STREAM_RETENTION_CONFIG, ConfigType.STRING, STREAM_RETENTION_DEFAULT,
                    Validator.oneOf(Retention.class), Importance.MEDIUM, STREAM_RETENTION_DOC)
            .define(STREAM_REPLICAS_CONFIG, ConfigType.INT, STREAM_REPLICAS_DEFAULT, Validator.between(1, 5),
                    Importance.LOW, STREAM_REPLICAS_DOC)
            .define(STREAM_DUPLICATE_WINDOW_CONFIG, ConfigType.LONG, STREAM_DUPLICATE_WINDOW_DEFAULT,
                    Validator.atLeast(0), Importance.LOW, STREAM_DUPLICATE_WINDOW_DOC)
            .define(STREAM_MAX_AGE_CONFIG, ConfigType.LONG, STREAM_MAX_AGE_DEFAULT, Validator.atLeast(0),
                    Importance.LOW, STREAM_MAX_AGE_DOC)
            .define(STREAM_MAX_BYTES_CONFIG, ConfigType.LONG, STREAM_MAX_BYTES_DEFAULT, Validator.atLeast(-1),
                    Importance.LOW, STREAM_MAX_BYTES_DOC)
            .define(STREAM_COMPRESSION_CONFIG, ConfigType.STRING, STREAM_COMPRESSION_DEFAULT,
                    Validator.oneOf(Compression.class), Importance.LOW, STREAM_COMPRESSION_DOC)
            .define(CONSUMER_NAME_CONFIG, ConfigType.STRING, CONSUMER_NAME_DEFAULT, Validator.nonEmpty(),
                    Importance.LOW, CONSUMER_NAME_DOC)
            .define(ACK_WAIT_CONFIG, ConfigType.LONG, ACK_WAIT_DEFAULT, Validator.between(1_000, 3_600_000),
                    Importance.MEDIUM, ACK_WAIT_DOC)
            .define(MAX_ACK_PENDING_CONFIG, ConfigType.INT, MAX_ACK_PENDING_DEFAULT, Validator.atLeast(0),
                    Importance.LOW, MAX_ACK_PENDING_DOC)
            .define(INACTIVE_THRESHOLD_CONFIG, ConfigType.LONG, INACTIVE_THRESHOLD_DEFAULT,
                    Validator.between(5_000, 86_400_000), Importance.LOW, INACTIVE_THRESHOLD_DOC)
            .define(FETCH_MAX_MESSAGES_CONFIG, ConfigType.INT, FETCH_MAX_MESSAGES_DEFAULT,
                    Validator.between(1, 100_000), Importance.LOW, FETCH_MAX_MESSAGES_DOC)
            .define(FETCH_MAX_WAIT_CONFIG, ConfigType.LONG, FETCH_MAX_WAIT_DEFAULT, Validator.between(100, 60_000),
                    Importance.LOW, FETCH_MAX_WAIT_DOC)
            .define(INTAKE_MAX_RESTARTS_CONFIG, ConfigType.INT, INTAKE_MAX_RESTARTS_DEFAULT, Validator.between(1, 1000),
                    Importance.LOW, INTAKE_MAX_RESTARTS_DOC)
            .define(CORE_PENDING_LIMIT_CONFIG, ConfigType.INT, CORE_PENDING_LIMIT_DEFAULT,
                    Validator.between(1, 10_000_000), Importance.LOW, CORE_PENDING_LIMIT_DOC)
            .define(CORE_PENDING_BYTES_CONFIG, ConfigType.LONG, CORE_PENDING_BYTES_DEFAULT,
                    Validator.atLeast(1024), Importance.LOW, CORE_PENDING_BYTES_DOC)
            .define(CREDS_FILE_CONFIG, ConfigType.STRING, null, CredentialChecks.credsFile(), Importance.MEDIUM,
                    CREDS_FILE_DOC)
            .define(TOKEN_CONFIG, ConfigType.PASSWORD, null, CredentialChecks.token(), Importance.MEDIUM, TOKEN_DOC)
            .define(USER_CONFIG, ConfigType.STRING, null, Validator.nonEmpty(), Importance.MEDIUM, USER_DOC)
            .define(PASSWORD_CONFIG, ConfigType.PASSWORD, null, null, Importance.MEDIUM, PASSWORD_DOC)
            .define(NKEY_SEED_CONFIG, ConfigType.PASSWORD, null, CredentialChecks.seed(), Importance.MEDIUM,
                    NKEY_SEED_DOC)
            .define(TLS_ENABLED_CONFIG, ConfigType.BOOLEAN, TLS_ENABLED_DEFAULT, null, Importance.MEDIUM,
                    TLS_ENABLED_DOC)
            .define(TLS_FIRST_CONFIG, ConfigType.BOOLEAN, TLS_FIRST_DEFAULT, null, Importance.LOW, TLS_FIRST_DOC)
            .define(TRUSTSTORE_PATH_CONFIG, ConfigType.STRING, null, Validator.nonEmpty(), Importance.LOW,
                    TRUSTSTORE_PATH_DOC)
            .define(TRUSTSTORE_PASSWORD_CONFIG, ConfigType.PASSWORD, null, null, Importance.LOW,
                    TRUSTSTORE_PASSWORD_DOC)
            .define(KEYSTORE_PATH_CONFIG, ConfigType.STRING, null, Validator.nonEmpty(), Importance.LOW,
                    KEYSTORE_PATH_DOC)
            .define(KEYSTORE_PASSWORD_CONFIG, ConfigType.PASSWORD, null, null, Importance.LOW,
                    KEYSTORE_PASSWORD_DOC);

    private final ConfigValues values;
    /** Topic to subject, for topics that make valid subjects (checked once, not on every publish). */
    private final java.util.concurrent.ConcurrentHashMap<String, String> subjects =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Wraps validated values and checks the rules that span keys (every problem at once).
     *
     * @throws BusConfigException listing every cross-key problem
     */
    NatsConfig(ConfigValues values) {
        this.values = values;
        List<BusConfigException.Problem> problems = new ArrayList<>();
        validate(values, problems);
        if (!problems.isEmpty()) {
            throw new BusConfigException(problems);
        }
    }

    /**
     * Adds the problems of keys that are each valid alone but clash, and of server URLs jnats would refuse (checked
     * here, not by a key validator, so that the problem shows the URLs without their user information).
     */
    static void validate(ConfigValues values, List<BusConfigException.Problem> problems) {
        for (String server : values.getList(SERVERS_CONFIG)) {
            String reason = CredentialChecks.serverProblem(server);
            if (reason != null) {
                problems.add(new BusConfigException.Problem(SERVERS_CONFIG, UrlCredentials.hide(server), reason));
            }
        }
        int auth = (values.has(CREDS_FILE_CONFIG) ? 1 : 0) + (values.has(TOKEN_CONFIG) ? 1 : 0)
                + (values.has(USER_CONFIG) ? 1 : 0) + (values.has(NKEY_SEED_CONFIG) ? 1 : 0);
        if (auth > 1) {
            problems.add(new BusConfigException.Problem(CREDS_FILE_CONFIG + ", " + TOKEN_CONFIG + ", " + USER_CONFIG
                    + ", " + NKEY_SEED_CONFIG, "(several set)", "set one way of authenticating, not several"));
        }
        if (values.has(USER_CONFIG) != values.has(PASSWORD_CONFIG)) {
            problems.add(new BusConfigException.Problem(values.has(USER_CONFIG) ? PASSWORD_CONFIG : USER_CONFIG, null,
                    "nats.user and nats.password go together"));
        }
        String streamName = values.getString(STREAM_NAME_CONFIG);
        String literal = streamName.replace("{topic}", "");
        if (!literal.isEmpty() && Names.nameProblem(literal) != null) {
            problems.add(new BusConfigException.Problem(STREAM_NAME_CONFIG, streamName,
                    "a stream name cannot contain . * > spaces / or \\ (only {topic} is replaced)"));
        }
        String prefix = values.getString(SUBJECT_PREFIX_CONFIG);
        if (prefix != null && !prefix.isEmpty()) {
            String reason = Names.subjectProblem(prefix + "x");
            if (reason != null) {
                problems.add(new BusConfigException.Problem(SUBJECT_PREFIX_CONFIG, prefix, reason));
            }
        }
    }

    ConfigValues values() {
        return values;
    }

    List<String> servers() {
        return values.getList(SERVERS_CONFIG);
    }

    Mode mode() {
        return values.getEnum(MODE_CONFIG, Mode.class);
    }

    Duration connectTimeout() {
        return values.getDuration(CONNECT_TIMEOUT_CONFIG);
    }

    Duration publishTimeout() {
        return values.getDuration(PUBLISH_TIMEOUT_CONFIG);
    }

    int publishWindow() {
        return values.getInt(PUBLISH_WINDOW_CONFIG);
    }

    /** The nkey seed without surrounding whitespace, or null when none is set. */
    String nkeySeed() {
        return values.has(NKEY_SEED_CONFIG) ? values.getPassword(NKEY_SEED_CONFIG).value().trim() : null;
    }

    Duration ackWait() {
        return values.getDuration(ACK_WAIT_CONFIG);
    }

    /** The subject of a topic; fails with the reason when the topic cannot be one. */
    String subjectOf(String topic) {
        String known = subjects.get(topic);
        if (known != null) {
            return known;
        }
        String subject = checkedSubjectOf(topic);
        if (subjects.size() < 10_000) {     // valid subjects only; bounded, topics are few
            subjects.put(topic, subject);
        }
        return subject;
    }

    private String checkedSubjectOf(String topic) {
        String prefix = values.getString(SUBJECT_PREFIX_CONFIG);
        String subject = (prefix == null ? "" : prefix) + topic;
        String reason = Names.subjectProblem(subject);
        if (reason != null) {
            throw new IllegalArgumentException("Topic '" + topic + "' does not make a valid NATS subject ('" + subject
                    + "'): " + reason);
        }
        return subject;
    }

    /** The stream name to create for a topic (when no stream holds its subject yet). */
    String streamNameFor(String topic) {
        return Names.sanitize(values.getString(STREAM_NAME_CONFIG).replace("{topic}", topic));
    }

    /** The durable consumer name of a group on a topic. */
    String consumerNameFor(String group, String topic) {
        return Names.sanitize(values.getString(CONSUMER_NAME_CONFIG).replace("{group}", group)
                .replace("{topic}", topic));
    }

    static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
