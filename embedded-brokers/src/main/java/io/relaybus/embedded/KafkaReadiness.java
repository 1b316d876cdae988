package io.relaybus.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.errors.TopicExistsException;

/** Package-private: waits until a freshly started Kafka broker really serves requests. */
final class KafkaReadiness {

    private KafkaReadiness() {
    }

    /**
     * Waits until the port accepts, {@code describeCluster} returns a node and {@code readyTopic} exists with a
     * leader. Fails fast if the process exits.
     *
     * @throws IllegalStateException on timeout or process exit, with the tail of {@code log} in the message
     */
    static void await(Process process, String bootstrap, String readyTopic, Duration timeout, Path log) {
        await(process, bootstrap, timeout, log, admin -> ready(admin, readyTopic));
    }

    /**
     * For a node of a cluster: waits until the port accepts and {@code describeCluster}, asked through this node,
     * lists {@code nodeId}, i.e. the node registered with the controllers and is no longer fenced. Fails fast if the
     * process exits.
     *
     * @throws IllegalStateException on timeout or process exit, with the tail of {@code log} in the message
     */
    static void awaitRegistered(Process process, String bootstrap, int nodeId, Duration timeout, Path log) {
        await(process, bootstrap, timeout, log, admin -> admin.describeCluster().nodes().get(5, TimeUnit.SECONDS)
                .stream().anyMatch(n -> n.id() == nodeId));
    }

    /** A readiness question asked with an Admin client; false (or an exception) means not yet. */
    private interface Check {
        boolean ready(Admin admin) throws InterruptedException, ExecutionException, TimeoutException;
    }

    private static void await(Process process, String bootstrap, Duration timeout, Path log, Check check) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        while (!ProcessSupport.accepts(port)) {
            checkAlive(process, log);
            checkDeadline(deadline, timeout, bootstrap, "the port does not accept connections", null, log);
            ProcessSupport.sleep(100);
        }
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG, "relaybus-embedded-readiness",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        Exception last = null;
        try (Admin admin = Admin.create(config)) {
            while (true) {
                checkAlive(process, log);
                try {
                    if (check.ready(admin)) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                }
                checkDeadline(deadline, timeout, bootstrap, "the broker does not serve admin requests", last, log);
                ProcessSupport.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka on " + bootstrap, e);
        }
    }

    private static boolean ready(Admin admin, String topic)
            throws InterruptedException, ExecutionException, TimeoutException {
        Collection<Node> nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
        if (nodes.isEmpty()) {
            return false;
        }
        try {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        TopicDescription description =
                admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS).get(topic);
        return description != null && description.partitions().get(0).leader() != null
                && !description.partitions().get(0).leader().isEmpty();
    }

    private static void checkAlive(Process process, Path log) {
        if (!process.isAlive()) {
            throw new IllegalStateException("the Kafka broker JVM exited with code " + process.exitValue()
                    + " during start-up; log " + log + " ends with:" + System.lineSeparator()
                    + ProcessSupport.tail(log, 40));
        }
    }

    private static void checkDeadline(long deadline, Duration timeout, String bootstrap, String what,
            Exception last, Path log) {
        if (System.nanoTime() - deadline > 0) {
            throw new IllegalStateException("Kafka on " + bootstrap + " not ready after " + timeout.toSeconds()
                    + " s: " + what + (last == null ? "" : " (last error: " + last.getCause() + ")")
                    + "; log " + log + " ends with:" + System.lineSeparator() + ProcessSupport.tail(log, 40), last);
        }
    }
}
