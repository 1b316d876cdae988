package io.relaybus.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * What {@link EmbeddedKafkaCluster} and {@link EmbeddedNatsCluster} share: a temp directory with one directory
 * (configuration, log, data) per node ({@code node-<id>} in a Kafka cluster, {@code n<i>} in a NATS cluster), the
 * nodes (each a {@link ForkedProcess} that does not own its directory), polling until the cluster reports nothing
 * behind, and closing, which kills every node (there is nothing to keep: the data is deleted) and deletes the
 * directory. A JVM exit hook deletes the directory when the owner never closed the cluster.
 *
 * <p>Threading: {@link #close()} is {@code synchronized}; lifecycle calls on one node are serialised by the node.
 *
 * @param <N> the node type
 */
abstract class ForkedCluster<N extends ForkedProcess> extends ForkedResource {

    /** How long starting the cluster, or restarting one node, may take. */
    final Duration startupTimeout;
    private final long pollMillis;
    private final List<N> nodes;

    /**
     * Creates the temp directory and {@code size} nodes, not started, in {@code <dir>/<dirPrefix><index + 1>}. When
     * one cannot be created, closes those that were, deletes the directory and rethrows.
     *
     * @param pollMillis how often {@link #awaitUntil} asks the cluster again: what one question costs it
     */
    ForkedCluster(String tempDirPrefix, Duration startupTimeout, long pollMillis, int size, String dirPrefix,
            NodeFactory<N> factory) {
        super(ProcessSupport.createTempDir(tempDirPrefix), true);
        this.pollMillis = pollMillis;
        this.startupTimeout = startupTimeout;
        this.nodes = createNodes(size, dirPrefix, factory);
    }

    /** Creates one node, not started, in {@code nodeDir} (already created); {@code index} counts from 0. */
    interface NodeFactory<N> {
        N create(int index, Path nodeDir);
    }

    private List<N> createNodes(int size, String dirPrefix, NodeFactory<N> factory) {
        List<N> created = new ArrayList<>();
        try {
            for (int i = 0; i < size; i++) {
                Path nodeDir = dir.resolve(dirPrefix + (i + 1));
                ProcessSupport.createDirectories(nodeDir);
                created.add(factory.create(i, nodeDir));
            }
        } catch (RuntimeException e) {
            created.forEach(ForkedProcess::close);
            abandon();
            throw e;
        }
        return List.copyOf(created);
    }

    /**
     * The nodes, in creation order: node id {@code i + 1} of a Kafka cluster, server name {@code <cluster>-n<i + 1>}
     * of a NATS cluster, is at index {@code i}.
     */
    public final List<N> nodes() {
        return nodes;
    }

    /** Closes what the cluster itself holds open (clients), before the nodes are killed; nothing by default. */
    void closeClients() {
    }

    /** Closes the clients, then kills every node; {@link #close()} then deletes the temp directory. */
    @Override
    final void terminate() {
        try {
            closeClients();
        } finally {
            // A graceful stop of the last nodes may wait for a quorum that is gone; the data is deleted anyway.
            for (N node : nodes()) {
                try {
                    node.kill();
                } catch (RuntimeException ignored) {
                    // close() below tries again
                }
                node.close();
            }
        }
    }

    /**
     * Polls {@code problems} (empty: done) until it is empty.
     *
     * @throws IllegalStateException after {@code timeout}, naming {@code what}, the last problem and the logs
     */
    final void awaitUntil(Duration timeout, String what, Supplier<String> problems) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last;
        do {
            last = problems.get();
            if (last.isEmpty()) {
                return;
            }
            ProcessSupport.sleep(pollMillis);
        } while (System.nanoTime() - deadline < 0);
        throw new IllegalStateException("not after " + timeout.toSeconds() + " s: " + what + " (" + last
                + "); logs in " + dir);
    }

    /**
     * Polls {@code probe} until it finds something, e.g. a new leader after a kill: for a test or benchmark that
     * waits for an election.
     *
     * @throws IllegalStateException naming {@code what} when nothing is found within {@code timeout}
     */
    public <T> T awaitFound(String what, Duration timeout, Supplier<Optional<T>> probe) {
        AtomicReference<T> found = new AtomicReference<>();
        awaitUntil(timeout, what, () -> {
            Optional<T> result = probe.get();
            result.ifPresent(found::set);
            return result.isPresent() ? "" : "none yet";
        });
        return found.get();
    }

    /** For a builder's {@code nodes(int)}: {@code size} when it is 1 to 9. */
    static int checkSize(int size) {
        if (size < 1 || size > 9) {
            throw new IllegalArgumentException("nodes must be between 1 and 9, not " + size);
        }
        return size;
    }
}
