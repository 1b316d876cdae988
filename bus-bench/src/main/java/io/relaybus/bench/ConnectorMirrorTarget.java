package io.relaybus.bench;

import io.relaybus.embedded.ConnectRest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The bridge under test: the connect-bridge source or sink connector, created through the Connect REST API on the
 * run's stream and topic, running in a Connect worker (forked by the bench, or an external one); deleted on close.
 *
 * <p>Ready means: the connector and its tasks are RUNNING, and for the sink also that its consumer group
 * ({@code connect-<name>}) is stable with members, so the first-event latency is not charged with the group join,
 * just as the raw mirror's is not.
 */
final class ConnectorMirrorTarget extends MirrorTarget {

    private static final Duration RUNNING_TIMEOUT = Duration.ofSeconds(90);

    private final ConnectRest rest;
    private final Map<String, String> connectorConfig;
    private final String worker;
    private final LongSupplier workerCpuNanos;

    /**
     * @param worker         how the worker runs, for the report
     * @param workerCpuNanos the worker process's CPU time so far, or -1 when unknown (an external worker)
     */
    ConnectorMirrorTarget(BenchOptions.Direction direction, String bootstrap, String natsUrl, String name,
                          int partitions, KafkaSettings kafka, BridgeSettings bridge, ConnectRest rest, String worker,
                          LongSupplier workerCpuNanos) {
        super(direction, bootstrap, natsUrl, name, partitions, kafka);
        this.rest = rest;
        this.connectorConfig = natsToKafka() ? bridge.source(natsUrl, name) : bridge.sink(natsUrl, name);
        this.worker = worker;
        this.workerCpuNanos = workerCpuNanos;
    }

    @Override
    public String kind() {
        return "bridge";
    }

    @Override
    public String description() {
        return (natsToKafka() ? "NatsSourceConnector (JetStream to Kafka)" : "NatsSinkConnector (Kafka to JetStream)")
                + " in a Kafka Connect worker";
    }

    @Override
    protected Map<String, String> mirrorSettings() {
        Map<String, String> s = new TreeMap<>();
        connectorConfig.forEach((k, v) -> s.put("connector." + k, Redact.value(k, v)));
        s.put("worker", worker);
        return s;
    }

    /** The worker's CPU time counts with this JVM's: it does the mirroring that the raw mirror does in this JVM. */
    @Override
    public long helperCpuNanos() {
        return workerCpuNanos.getAsLong();
    }

    @Override
    protected void startMirror() throws Exception {
        closeOnClose(this::deleteConnector);
        rest.createConnector(name, connectorConfig, RUNNING_TIMEOUT);
        if (!natsToKafka()) {
            awaitSinkGroup();
        }
    }

    private void awaitSinkGroup() throws Exception {
        String group = "connect-" + name;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            long deadline = System.nanoTime() + RUNNING_TIMEOUT.toNanos();
            String last = "not described yet";
            while (System.nanoTime() < deadline) {
                ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all()
                        .get(15, TimeUnit.SECONDS).get(group);
                last = d.groupState() + " with " + d.members().size() + " members";
                if (d.groupState() == GroupState.STABLE && !d.members().isEmpty()) {
                    return;
                }
                Thread.sleep(100);
            }
            throw new IllegalStateException("the sink's consumer group " + group + " is not stable after "
                    + RUNNING_TIMEOUT.toSeconds() + " s: " + last);
        }
    }

    /** Deletes the connector (tried even when creating it failed); reports, never throws. */
    private void deleteConnector() {
        try {
            rest.deleteConnector(name);
        } catch (Exception e) {
            System.err.println("could not delete connector " + name + " on " + rest.baseUrl() + ": " + e
                    + "; delete it by hand (DELETE /connectors/" + name + ")");
        }
    }
}
