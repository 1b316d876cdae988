package io.relaybus.embedded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A real KRaft Kafka cluster of {@code n} nodes (3 by default), each a forked JVM that is broker and controller at
 * once ({@code process.roles=broker,controller}, a static quorum of all nodes), on free loopback ports. For tests
 * and the benchmark that must show what happens when a leader or the controller dies.
 *
 * <p><b>Nodes.</b> Each node is an {@link EmbeddedKafka} (node ids 1..n), started like the single broker (same JVM
 * options, its own {@code broker.log}), with cluster defaults: {@code default.replication.factor} and the internal
 * topics' replication factor {@code min(3, n)}, {@code min.insync.replicas} (also of the transaction log) 2 when
 * {@code n >= 2}, {@code -Xmx448m} each. The short broker session (3 s, see {@link EmbeddedKafka}) makes the controller
 * fence a killed node, and move its partition leaderships, about 3 s after the kill (Kafka's default is 9 s).
 *
 * <p><b>Readiness.</b> {@link Builder#start()} starts every node at once (a controller quorum needs a majority before
 * any broker is ready), waits until each is registered, then creates {@value EmbeddedKafka#READY_TOPIC} with {@code n}
 * replicas and waits until its replicas are all in sync. {@link #restart(int)} returns once the node is registered
 * again (unfenced); {@link #awaitInSync(Duration)} then waits until it caught up on every partition.
 *
 * <p><b>Faults.</b> {@link #kill(int)} is a SIGKILL of one node (a crash: no controlled shutdown, unflushed page
 * cache survives because the machine does not crash); {@link #leaderOf}, {@link #controllerId()} name the node to
 * target. Only one cluster of each kind should run at a time on a small machine.
 *
 * <p><b>Lifecycle and ownership.</b> The creator owns the cluster and must {@link #close()} it, which kills every node
 * (there is nothing to keep: the data is deleted) and deletes the temp directory. If this JVM dies, each node notices
 * its standard input closed and exits (see {@link ParentWatchdog}).
 *
 * <p><b>Threading.</b> Thread-safe. Lifecycle calls on one node are serialised by the node; queries use one shared
 * Admin client bootstrapped from every node, so they work while any majority of the nodes runs.
 */
public final class EmbeddedKafkaCluster extends ForkedCluster<EmbeddedKafka> {

    private final String bootstrapServers;
    private Admin admin;

    private EmbeddedKafkaCluster(Builder b) {
        // 200 ms between polls: each one describes every topic.
        super("relaybus-kafka-cluster-", b.startupTimeout, 200, b.size, "node-", nodeFactory(b));
        this.bootstrapServers = nodes().stream().map(EmbeddedKafka::bootstrapServers)
                .collect(Collectors.joining(","));
    }

    /** Node ids 1..n on free client and controller ports, each a voter, with the cluster defaults (class comment). */
    private static NodeFactory<EmbeddedKafka> nodeFactory(Builder b) {
        String clusterId = Uuid.randomUuid().toString();
        int[] ports = new int[b.size];
        int[] controllerPorts = new int[b.size];
        List<String> voters = new ArrayList<>();
        for (int i = 0; i < b.size; i++) {
            ports[i] = ProcessSupport.freePort();
            controllerPorts[i] = ProcessSupport.freePort();
            voters.add((i + 1) + "@127.0.0.1:" + controllerPorts[i]);
        }
        int replicas = Math.min(3, b.size);
        int minIsr = b.size >= 2 ? 2 : 1;
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("default.replication.factor", String.valueOf(replicas));
        defaults.put("min.insync.replicas", String.valueOf(minIsr));
        defaults.put("offsets.topic.replication.factor", String.valueOf(replicas));
        defaults.put("transaction.state.log.replication.factor", String.valueOf(replicas));
        defaults.put("transaction.state.log.min.isr", String.valueOf(minIsr));
        defaults.put("share.coordinator.state.topic.replication.factor", String.valueOf(replicas));
        defaults.put("share.coordinator.state.topic.min.isr", String.valueOf(minIsr));
        return (i, nodeDir) -> EmbeddedKafka.clusterNode(b.node, nodeDir,
                new EmbeddedKafka.NodeSpec(i + 1, ports[i], controllerPorts[i], String.join(",", voters), clusterId),
                defaults);
    }

    /** Starts a 3-node cluster with the defaults and waits until it is ready. The caller owns it and must close it. */
    public static EmbeddedKafkaCluster start() {
        return builder().start();
    }

    /** Options for a cluster; finish with {@link Builder#start()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Every node's {@code 127.0.0.1:<port>}, comma-separated, for {@code bootstrap.servers}. Stable across restarts. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The node with {@code nodeId} (1..n). */
    public EmbeddedKafka node(int nodeId) {
        if (nodeId < 1 || nodeId > nodes().size()) {
            throw new IllegalArgumentException("no node " + nodeId + " in a cluster of " + nodes().size()
                    + " (node ids are 1.." + nodes().size() + ")");
        }
        return nodes().get(nodeId - 1);
    }

    /** How many nodes the cluster has (running or not). */
    public int size() {
        return nodes().size();
    }

    /** Kills node {@code nodeId} (SIGKILL, a crash); its ports and data are kept for {@link #restart(int)}. */
    public void kill(int nodeId) {
        node(nodeId).kill();
    }

    /**
     * Starts node {@code nodeId} again on its ports and data (stopping it gracefully first if it runs) and returns
     * once it is registered with the controllers again. Its replicas may still be catching up: see
     * {@link #awaitInSync(Duration)}.
     */
    public void restart(int nodeId) {
        node(nodeId).restart();
    }

    /**
     * The node id of the current leader of {@code topic}'s {@code partition}, or empty while it has none (an election
     * is under way, or every replica is down).
     *
     * @throws IllegalStateException if the cluster does not answer within 10 s or the topic does not exist
     */
    public Optional<Integer> leaderOf(String topic, int partition) {
        TopicPartitionInfo info = describe(topic).partitions().stream().filter(p -> p.partition() == partition)
                .findFirst().orElseThrow(() -> new IllegalArgumentException("topic " + topic + " has no partition "
                        + partition));
        return info.leader() == null || info.leader().isEmpty() ? Optional.empty() : Optional.of(info.leader().id());
    }

    /** Every partition of {@code topic}: partition number, leader, replicas and in-sync replicas. */
    public TopicDescription describe(String topic) {
        return query("describe topic " + topic, a -> a.describeTopics(List.of(topic)).allTopicNames()
                .get(10, TimeUnit.SECONDS).get(topic));
    }

    /**
     * The node id of the active controller: the leader of the KRaft metadata quorum.
     *
     * @throws IllegalStateException if the cluster does not answer within 10 s
     */
    public int controllerId() {
        return query("describe the metadata quorum", a -> a.describeMetadataQuorum().quorumInfo()
                .get(10, TimeUnit.SECONDS).leaderId());
    }

    /** The ids of the brokers the cluster currently lists as alive (registered and not fenced). */
    public Set<Integer> liveBrokers() {
        return query("describe the cluster", a -> a.describeCluster().nodes().get(10, TimeUnit.SECONDS).stream()
                .map(Node::id).collect(Collectors.toSet()));
    }

    /**
     * Waits until every partition of every topic (internal ones included) has all its replicas in sync and a leader,
     * and every node is alive: after a {@link #restart(int)}, before the next fault.
     *
     * @throws IllegalStateException on timeout, naming the partitions still behind
     */
    public void awaitInSync(Duration timeout) {
        awaitUntil(timeout, "the Kafka cluster " + bootstrapServers + " is in sync", () -> {
            try {
                return outOfSync();
            } catch (RuntimeException e) {
                return String.valueOf(e.getMessage());
            }
        });
    }

    /** What is not in sync (dead nodes, partitions without leader or with replicas outside the ISR); empty if all is. */
    private String outOfSync() {
        Set<Integer> live = liveBrokers();
        List<String> problems = new ArrayList<>();
        for (EmbeddedKafka node : nodes()) {
            if (!live.contains(node.nodeId())) {
                problems.add("node " + node.nodeId() + " not alive");
            }
        }
        Collection<TopicDescription> topics = query("describe all topics", a -> {
            Set<String> names = a.listTopics(new ListTopicsOptions().listInternal(true)).names()
                    .get(10, TimeUnit.SECONDS);
            return a.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS).values();
        });
        for (TopicDescription t : topics) {
            for (TopicPartitionInfo p : t.partitions()) {
                if (p.leader() == null || p.leader().isEmpty() || p.isr().size() < p.replicas().size()) {
                    problems.add(t.name() + "-" + p.partition() + " (leader " + (p.leader() == null ? "none"
                            : p.leader().id()) + ", isr " + ids(p.isr()) + " of " + ids(p.replicas()) + ")");
                }
            }
        }
        return problems.size() <= 5 ? String.join(", ", problems)
                : String.join(", ", problems.subList(0, 5)) + " and " + (problems.size() - 5) + " more";
    }

    private static String ids(List<Node> nodes) {
        return nodes.stream().map(n -> String.valueOf(n.id())).collect(Collectors.joining(",", "[", "]"));
    }

    @Override
    public String toString() {
        return "EmbeddedKafkaCluster[" + bootstrapServers + ", dir=" + dir + "]";
    }

    @Override
    synchronized void closeClients() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }

    /** Starts every node in parallel and waits for the cluster (see the class comment). */
    @Override
    void launch() {
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (EmbeddedKafka node : nodes()) {
            starts.add(CompletableFuture.runAsync(node::restart, command -> {
                Thread t = new Thread(command, "relaybus-kafka-cluster-start-" + node.nodeId());
                t.setDaemon(true);
                t.start();
            }));
        }
        try {
            CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        query("create " + EmbeddedKafka.READY_TOPIC, a -> {
            try {
                a.createTopics(List.of(new NewTopic(EmbeddedKafka.READY_TOPIC, 1, (short) Math.min(3, size()))))
                        .all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            return null;
        });
        awaitInSync(startupTimeout);
    }

    /** An Admin call, with the cause's message when it fails. */
    private <T> T query(String what, AdminCall<T> call) {
        try {
            return call.apply(admin());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + what, e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("cannot " + what + " on " + bootstrapServers + ": " + cause, cause);
        }
    }

    private interface AdminCall<T> {
        T apply(Admin admin) throws InterruptedException, ExecutionException, TimeoutException;
    }

    private synchronized Admin admin() {
        if (isClosed()) {
            throw new IllegalStateException(this + " is closed");
        }
        if (admin == null) {
            admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    AdminClientConfig.CLIENT_ID_CONFIG, "relaybus-embedded-cluster",
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000,
                    AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100,
                    AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500));
        }
        return admin;
    }

    /** Options for an {@link EmbeddedKafkaCluster}. Not thread-safe; use it on one thread, then call {@link #start()}. */
    public static final class Builder {
        private final EmbeddedKafka.Builder node = EmbeddedKafka.builder().heap("448m")
                .startupTimeout(Duration.ofSeconds(120));
        private int size = 3;
        private Duration startupTimeout = Duration.ofSeconds(120);

        private Builder() {
        }

        /** How many nodes (each broker and controller); 3 by default. A quorum needs a majority of them running. */
        public Builder nodes(int size) {
            this.size = checkSize(size);
            return this;
        }

        /** Maximum heap of each node's JVM in {@code -Xmx} syntax; {@code "448m"} by default. */
        public Builder heap(String heap) {
            node.heap(heap);
            return this;
        }

        /** Sets (or overrides) one broker property on every node. */
        public Builder serverProperty(String key, String value) {
            node.serverProperty(key, value);
            return this;
        }

        /** An extra option for every node's JVM. */
        public Builder jvmArg(String arg) {
            node.jvmArg(arg);
            return this;
        }

        /** How long starting the cluster, or restarting one node, may take; 120 s by default. */
        public Builder startupTimeout(Duration timeout) {
            node.startupTimeout(Objects.requireNonNull(timeout, "timeout"));
            this.startupTimeout = timeout;
            return this;
        }

        /**
         * Creates the nodes, starts them and waits until the cluster is ready.
         *
         * @throws IllegalStateException if a node does not become ready (the message has its log tail)
         */
        public EmbeddedKafkaCluster start() {
            return startOrClose(new EmbeddedKafkaCluster(this));
        }
    }
}
