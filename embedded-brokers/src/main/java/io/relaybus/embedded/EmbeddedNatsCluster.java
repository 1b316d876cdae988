package io.relaybus.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A real 3-node (by default) {@code nats-server} cluster with JetStream: one cluster name, a {@code server_name} per
 * node, full-mesh routes and a store directory per node, on free loopback ports; each node also serves HTTP
 * monitoring ({@code /jsz}), which is how this class finds leaders without a NATS client. For tests and the
 * benchmark that must show what happens when a stream leader or the JetStream meta leader dies.
 *
 * <p><b>Nodes.</b> Each node is an {@link EmbeddedNats} (same binary lookup, log file and parent watch), started with
 * {@code --cluster_name}, {@code --cluster nats://127.0.0.1:<route port>}, {@code --routes} to the other nodes and
 * {@code -m <monitor port>}. Clients connect with {@link #urls()} (every node; jnats reconnects to another one when
 * its server dies).
 *
 * <p><b>Readiness.</b> {@link Builder#start()} starts the nodes and waits until every node reports the same JetStream
 * meta leader over a cluster of {@code n}. {@link #restart(EmbeddedNats)} returns once the node is up and knows the
 * meta leader; {@link #awaitCurrent(Duration)} then waits until every stream and consumer has a leader whose replicas
 * are all current.
 *
 * <p><b>Leaders.</b> {@link #streamLeader(String)} and {@link #metaLeader()} ask each running node's {@code /jsz} and
 * trust only a node that names itself leader: right after a leader dies, the others keep naming it for seconds,
 * until their election timeout.
 *
 * <p><b>Lifecycle and ownership.</b> The creator owns the cluster and must {@link #close()} it, which kills every node
 * and deletes the temp directory. Only one cluster of each kind should run at a time on a small machine.
 *
 * <p><b>Threading.</b> Thread-safe; lifecycle calls on one node are serialised by the node.
 */
public final class EmbeddedNatsCluster extends ForkedCluster<EmbeddedNats> {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String clusterName;

    private EmbeddedNatsCluster(Builder b) {
        super("relaybus-nats-cluster-", b.startupTimeout, 100, b.size, "n", nodeFactory(b));
        this.clusterName = b.clusterName;
    }

    /** Each node on free client, route and monitoring ports, with routes to every other node. */
    private static NodeFactory<EmbeddedNats> nodeFactory(Builder b) {
        int[] ports = new int[b.size];
        int[] routePorts = new int[b.size];
        int[] monitorPorts = new int[b.size];
        for (int i = 0; i < b.size; i++) {
            ports[i] = ProcessSupport.freePort();
            routePorts[i] = ProcessSupport.freePort();
            monitorPorts[i] = ProcessSupport.freePort();
        }
        return (i, nodeDir) -> {
            List<String> routes = new ArrayList<>();
            for (int j = 0; j < b.size; j++) {
                if (j != i) {
                    routes.add("nats://127.0.0.1:" + routePorts[j]);
                }
            }
            List<String> args = new ArrayList<>(List.of("--cluster_name", b.clusterName,
                    "--cluster", "nats://127.0.0.1:" + routePorts[i]));
            if (!routes.isEmpty()) {
                args.addAll(List.of("--routes", String.join(",", routes)));
            }
            return EmbeddedNats.clusterNode(b.node, nodeDir, ports[i], b.clusterName + "-n" + (i + 1),
                    monitorPorts[i], args);
        };
    }

    /** Starts a 3-node cluster with the defaults and waits until it is ready. The caller owns it and must close it. */
    public static EmbeddedNatsCluster start() {
        return builder().start();
    }

    /** Options for a cluster; finish with {@link Builder#start()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Every node's {@code nats://127.0.0.1:<port>}, comma-separated, for {@code nats.servers}. Stable across restarts. */
    public String urls() {
        return nodes().stream().map(EmbeddedNats::url).collect(Collectors.joining(","));
    }

    /** The cluster name every node shares. */
    public String clusterName() {
        return clusterName;
    }

    /** The node whose {@code server_name} is {@code serverName}. */
    public EmbeddedNats node(String serverName) {
        return nodes().stream().filter(n -> n.serverName().equals(serverName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node named " + serverName + " in " + this));
    }

    /** Kills {@code node} (SIGKILL, a crash); its ports and JetStream store are kept for {@link #restart}. */
    public void kill(EmbeddedNats node) {
        member(node).kill();
    }

    /**
     * Starts {@code node} again on its ports and store (stopping it gracefully first if it runs) and returns once it
     * serves clients and knows the JetStream meta leader. Its streams may still be catching up: see
     * {@link #awaitCurrent(Duration)}.
     *
     * @throws IllegalStateException if it is not ready within the start-up timeout
     */
    public void restart(EmbeddedNats node) {
        member(node).restart();
        awaitUntil(startupTimeout, "node " + node.serverName() + " knows the JetStream meta leader", () -> {
            JsonNode jsz = jsz(node, "");
            return jsz != null && !leader(jsz.path("meta_cluster")).isEmpty() ? "" : "no meta leader known yet";
        });
    }

    /**
     * The node that currently leads the JetStream meta group (the one that creates streams and consumers), or empty
     * while an election is under way.
     */
    public Optional<EmbeddedNats> metaLeader() {
        for (EmbeddedNats node : nodes()) {
            JsonNode jsz = jsz(node, "");
            if (jsz != null && node.serverName().equals(leader(jsz.path("meta_cluster")))) {
                return Optional.of(node);
            }
        }
        return Optional.empty();
    }

    /**
     * The node that currently leads stream {@code stream} (of the default account), or empty while an election is
     * under way or no running node has the stream.
     */
    public Optional<EmbeddedNats> streamLeader(String stream) {
        for (EmbeddedNats node : nodes()) {
            for (JsonNode s : streams(node)) {
                if (stream.equals(s.path("name").asText()) && node.serverName().equals(leader(s.path("cluster")))) {
                    return Optional.of(node);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Waits until every node runs, every node knows the meta leader, and every stream and consumer has a leader that
     * reports all its replicas current: after a {@link #restart}, before the next fault.
     *
     * @throws IllegalStateException on timeout, naming what is behind
     */
    public void awaitCurrent(Duration timeout) {
        awaitUntil(timeout, "the NATS cluster is current", this::behind);
    }

    /** What is not current, or empty when everything is. */
    private String behind() {
        List<String> problems = new ArrayList<>();
        for (EmbeddedNats node : nodes()) {
            JsonNode jsz = jsz(node, "?streams=true&consumers=true");
            if (jsz == null) {
                problems.add(node.serverName() + " not answering");
                continue;
            }
            JsonNode meta = jsz.path("meta_cluster");
            if (leader(meta).isEmpty()) {
                problems.add(node.serverName() + " knows no meta leader");
            }
            if (node.serverName().equals(leader(meta))) {
                notCurrent("meta group", meta, problems);
            }
            for (JsonNode stream : streams(jsz)) {
                JsonNode cluster = stream.path("cluster");
                String name = "stream " + stream.path("name").asText();
                if (leader(cluster).isEmpty()) {
                    problems.add(name + " has no leader (seen by " + node.serverName() + ")");
                } else if (node.serverName().equals(leader(cluster))) {
                    notCurrent(name, cluster, problems);
                }
                for (JsonNode consumer : stream.path("consumer_detail")) {
                    JsonNode cc = consumer.path("cluster");
                    if (node.serverName().equals(leader(cc))) {
                        notCurrent(name + " consumer " + consumer.path("name").asText(), cc, problems);
                    }
                }
            }
        }
        return String.join(", ", problems);
    }

    /** The {@code leader} a {@code /jsz} cluster block names; empty when it names none. */
    private static String leader(JsonNode cluster) {
        return cluster.path("leader").asText("");
    }

    private static void notCurrent(String what, JsonNode cluster, List<String> problems) {
        for (JsonNode replica : cluster.path("replicas")) {
            if (!replica.path("current").booleanValue()) {
                problems.add(what + ": replica " + replica.path("name").asText() + " not current");
            }
        }
    }

    private List<JsonNode> streams(EmbeddedNats node) {
        JsonNode jsz = jsz(node, "?streams=true");
        return jsz == null ? List.of() : streams(jsz);
    }

    private static List<JsonNode> streams(JsonNode jsz) {
        List<JsonNode> streams = new ArrayList<>();
        for (JsonNode account : jsz.path("account_details")) {
            account.path("stream_detail").forEach(streams::add);
        }
        return streams;
    }

    /** {@code /jsz<query>} of a running node, or null when it does not answer. */
    private static JsonNode jsz(EmbeddedNats node, String query) {
        if (!node.isRunning() || node.monitorUrl().isEmpty()) {
            return null;
        }
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(node.monitorUrl().get()
                    + "/jsz" + query)).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking " + node.serverName() + " for /jsz", e);
        }
    }

    private EmbeddedNats member(EmbeddedNats node) {
        if (!nodes().contains(Objects.requireNonNull(node, "node"))) {
            throw new IllegalArgumentException(node + " is not a node of " + this);
        }
        return node;
    }

    @Override
    public String toString() {
        return "EmbeddedNatsCluster[" + clusterName + ", " + urls() + ", dir=" + dir + "]";
    }

    @Override
    void launch() {
        for (EmbeddedNats node : nodes()) {
            node.restart();
        }
        awaitUntil(startupTimeout, "every node reports one JetStream meta leader of " + nodes().size() + " servers",
                () -> {
                    List<String> leaders = new ArrayList<>();
                    for (EmbeddedNats node : nodes()) {
                        JsonNode jsz = jsz(node, "");
                        JsonNode size = jsz == null ? null : jsz.path("meta_cluster").path("cluster_size");
                        if (size == null || !size.isNumber() || size.intValue() != nodes().size()) {
                            return node.serverName() + " sees no cluster of " + nodes().size() + " yet";
                        }
                        leaders.add(leader(jsz.path("meta_cluster")));
                    }
                    return leaders.stream().distinct().count() == 1 && !leaders.get(0).isEmpty() ? ""
                            : "meta leaders " + leaders;
                });
    }

    /** Options for an {@link EmbeddedNatsCluster}. Not thread-safe; use it on one thread, then call {@link #start()}. */
    public static final class Builder {
        private final EmbeddedNats.Builder node = EmbeddedNats.builder().startupTimeout(Duration.ofSeconds(60));
        private int size = 3;
        private Duration startupTimeout = Duration.ofSeconds(60);
        private String clusterName = "relaybus";

        private Builder() {
        }

        /** How many nodes; 3 by default. JetStream needs a majority of them running. */
        public Builder nodes(int size) {
            this.size = checkSize(size);
            return this;
        }

        /** The cluster name; {@code relaybus} by default. Server names are {@code <name>-n1}, {@code -n2}, .... */
        public Builder clusterName(String name) {
            if (!Objects.requireNonNull(name, "name").matches("[A-Za-z0-9_-]+")) {
                throw new IllegalArgumentException("cluster name must be letters, digits, - and _, not '" + name + "'");
            }
            this.clusterName = name;
            return this;
        }

        /** The {@code nats-server} binary to run instead of the one {@link EmbeddedNats#findBinary()} finds. */
        public Builder binary(Path binary) {
            node.binary(binary);
            return this;
        }

        /** An extra command-line argument for every node. */
        public Builder extraArg(String arg) {
            node.extraArg(arg);
            return this;
        }

        /** How long starting the cluster, or restarting one node, may take; 60 s by default. */
        public Builder startupTimeout(Duration timeout) {
            node.startupTimeout(timeout);
            this.startupTimeout = timeout;
            return this;
        }

        /**
         * Creates the nodes, starts them and waits until JetStream has a meta leader.
         *
         * @throws IllegalStateException if the binary is missing or a node does not become ready
         */
        public EmbeddedNatsCluster start() {
            return startOrClose(new EmbeddedNatsCluster(this));
        }
    }
}
