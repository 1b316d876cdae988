package io.relaybus.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka 4.x broker in KRaft mode ({@code process.roles=broker,controller}), run as a forked JVM
 * on free loopback ports, for tests and the benchmark. No Docker, no ZooKeeper.
 *
 * <p><b>How it runs.</b> The broker JVM is started with the current JVM's {@code java} binary and class path
 * ({@code java.class.path}, which must hold {@code kafka_2.13}; it does when this module is a dependency). Its
 * main class, {@link KafkaBrokerMain}, formats the storage on first start ({@code kafka.tools.StorageTool format}
 * with a random cluster id) and then runs {@code kafka.Kafka server.properties}. The broker's stdout/stderr go to
 * {@link #logFile()} in the instance's temp directory, never to the test output. Kafka logs through SLF4J: the
 * log file only has Kafka's log lines if an SLF4J provider (e.g. {@code slf4j-simple}) is on the class path.
 *
 * <p><b>Defaults</b> (each can be overridden with {@link Builder#serverProperty}): {@code -Xmx512m};
 * {@code PLAINTEXT://127.0.0.1:<free port>} and {@code CONTROLLER://127.0.0.1:<other free port>} (never 9092);
 * replication factor and min ISR 1 for the internal topics, {@code min.insync.replicas=1};
 * {@code group.initial.rebalance.delay.ms=0}; {@code num.partitions=1}; a 3 s broker session timeout with 500 ms
 * heartbeats (so a restart after {@link #kill()} is not held up for 9 s by the dead broker's registration); 5 partitions (not 50) for
 * {@code __consumer_offsets} and {@code __transaction_state} so the first consumer group starts fast; few network
 * and I/O threads, fit for a shared 2-core machine. {@code auto.create.topics.enable} keeps Kafka's default
 * ({@code true}): a test that relies on explicit topic creation must set it to {@code false}.
 *
 * <p><b>Readiness.</b> {@link #start()} and {@link #restart()} return once an Admin client's
 * {@code describeCluster} succeeds and the topic {@value #READY_TOPIC} (created on first start, one partition) is
 * described with a leader, i.e. the broker really serves metadata and topic requests. Otherwise, after
 * {@link Builder#startupTimeout} (120 s by default, since a restart recovers every partition created before it,
 * which takes over a minute on two loaded cores), or at once when the broker JVM exits, an
 * {@link IllegalStateException} is thrown whose message ends with the tail of the broker log.
 *
 * <p><b>Lifecycle and ownership.</b> The creator owns the instance and must {@link #close()} it (try-with-resources),
 * which stops the broker and deletes the temp directory. {@link #stop()} and {@link #kill()} keep the ports and
 * the data; {@link #restart()} starts again on the same ones. A JVM shutdown hook kills the broker and deletes the
 * temp directory if the JVM exits without {@code close()}; if the JVM itself is killed, the broker notices that
 * its standard input was closed and exits on its own (the temp directory is then left behind).
 *
 * <p><b>Threading.</b> Thread-safe: lifecycle methods are {@code synchronized}; {@link #bootstrapServers()} never
 * changes.
 */
public final class EmbeddedKafka extends EmbeddedBroker {

    /** Topic created (once, one partition) by the readiness check; it stays on the broker. */
    public static final String READY_TOPIC = "relaybus-embedded-ready";

    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final ForkedJvm jvm;
    private final Path configFile;
    private final int port;
    private final int controllerPort;
    private final int nodeId;
    private final String clusterId;
    /** Null for a node of an {@link EmbeddedKafkaCluster}, whose readiness is its registration (see awaitReady). */
    private final String readyTopic;

    private boolean formatted;

    private EmbeddedKafka(Builder builder) {
        this(builder, ProcessSupport.createTempDir("relaybus-kafka-"), true, new NodeSpec(1,
                ProcessSupport.freePort(), ProcessSupport.freePort(), null, Uuid.randomUuid().toString()),
                Map.of());
    }

    /**
     * One node of a cluster, or the single broker: {@code spec.voters} null means a quorum of this node alone.
     * {@code defaults} are broker properties that replace this class's defaults and yield to the builder's.
     */
    private EmbeddedKafka(Builder builder, Path dir, boolean ownsDirectory, NodeSpec spec,
            Map<String, String> defaults) {
        super(dir, ownsDirectory, dir.resolve("broker.log"), STOP_GRACE);
        this.jvm = new ForkedJvm(builder);
        this.configFile = dir.resolve("server.properties");
        this.port = spec.port();
        this.controllerPort = spec.controllerPort();
        this.nodeId = spec.nodeId();
        this.clusterId = spec.clusterId();
        this.readyTopic = spec.voters() == null ? READY_TOPIC : null;
        try {
            Map<String, String> overrides = new LinkedHashMap<>(defaults);
            overrides.putAll(builder.serverProperties);
            writeConfig(spec.voters() == null ? nodeId + "@127.0.0.1:" + controllerPort : spec.voters(), overrides);
        } catch (RuntimeException e) {
            abandon();
            throw e;
        }
    }

    /** Where a cluster node listens and whom it votes with; {@code voters} null for a single broker. */
    record NodeSpec(int nodeId, int port, int controllerPort, String voters, String clusterId) {
    }

    /** A node of {@link EmbeddedKafkaCluster}: not started; {@code dir} belongs to the cluster. */
    static EmbeddedKafka clusterNode(Builder builder, Path dir, NodeSpec spec, Map<String, String> defaults) {
        return new EmbeddedKafka(builder, dir, false, spec, defaults);
    }

    /** Starts a broker with the defaults and waits until it is ready. The caller owns it and must close it. */
    public static EmbeddedKafka start() {
        return builder().start();
    }

    /** Options for a broker; finish with {@link Builder#start()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. Stable across restarts. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Same as {@link #bootstrapServers()}. */
    @Override
    public String address() {
        return bootstrapServers();
    }

    /** The PLAINTEXT (client) port. */
    public int port() {
        return port;
    }

    /** The KRaft CONTROLLER listener port. */
    public int controllerPort() {
        return controllerPort;
    }

    /** The broker's {@code node.id}: 1 for a single broker, 1..n in an {@link EmbeddedKafkaCluster}. */
    public int nodeId() {
        return nodeId;
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[node " + nodeId + ", " + bootstrapServers() + ", dir=" + dir + "]";
    }

    @Override
    Process spawn() {
        List<String> command = jvm.command(List.of("-XX:MaxGCPauseMillis=20", "-Dkafka.logs.dir=" + dir,
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-Dorg.slf4j.simpleLogger.log.state.change.logger=warn"),
                ProcessSupport.classPath(), KafkaBrokerMain.class, configFile.toString());
        if (!formatted) {
            command.add("--format");
            command.add(clusterId);
        }
        return startLogged(command, "the Kafka broker JVM", command.get(0) + " ... " + KafkaBrokerMain.class.getName()
                + " " + configFile);
    }

    @Override
    void awaitReady(Process process) {
        if (readyTopic != null) {
            KafkaReadiness.await(process, bootstrapServers(), readyTopic, jvm.startupTimeout, logFile);
        } else {
            KafkaReadiness.awaitRegistered(process, bootstrapServers(), nodeId, jvm.startupTimeout, logFile);
        }
        formatted = true;
    }

    private void writeConfig(String voters, Map<String, String> overrides) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(nodeId));
        p.put("controller.quorum.voters", voters);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dir.resolve("data").toString());
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // After kill() the controller keeps the dead incarnation's registration until its session times out
        // (9 s by default) and rejects the restarted broker until then; a short session makes restarts fast.
        p.put("broker.session.timeout.ms", "3000");
        p.put("broker.heartbeat.interval.ms", "500");
        // KIP-848 groups: members learn their assignment on a heartbeat; 5 s (the default) makes every join slow.
        p.put("group.consumer.min.heartbeat.interval.ms", "500");
        p.put("group.consumer.heartbeat.interval.ms", "500");
        p.put("auto.create.topics.enable", "true");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("log.cleaner.threads", "1");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        p.putAll(overrides);
        ProcessSupport.writeProperties(configFile, p, EmbeddedKafka.class);
    }

    /**
     * Options for an {@link EmbeddedKafka}. Not thread-safe; use it on one thread, then call {@link #start()}.
     */
    public static final class Builder extends ForkedJvm.Builder<Builder> {
        private final Map<String, String> serverProperties = new LinkedHashMap<>();

        private Builder() {
        }

        /** Sets (or overrides) one broker property in {@code server.properties}. */
        public Builder serverProperty(String key, String value) {
            serverProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Sets (or overrides) several broker properties. */
        public Builder serverProperties(Map<String, String> properties) {
            properties.forEach(this::serverProperty);
            return this;
        }

        /**
         * Creates the temp directory and config, starts the broker and waits until it is ready.
         *
         * @throws IllegalStateException if the broker does not become ready (the message has the log tail)
         */
        public EmbeddedKafka start() {
            return startOrClose(new EmbeddedKafka(this));
        }
    }
}
