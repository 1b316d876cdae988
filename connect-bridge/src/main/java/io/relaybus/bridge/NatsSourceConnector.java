package io.relaybus.bridge;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.google.auto.service.AutoService;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ConnectorTransactionBoundaries;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * Source connector: NATS subjects to Kafka topics. See {@link NatsSourceTask} for how messages are read and acked,
 * and {@code README.md} for the deployment guide.
 *
 * <p>Lifecycle (Connect's): {@link #validate} (also through the REST validate endpoint), {@link #start},
 * {@link #taskConfigs}, {@link #stop}, each called by the worker on one thread at a time. The connector itself
 * opens no NATS connection; its tasks do.
 */
@AutoService(org.apache.kafka.connect.source.SourceConnector.class)
public final class NatsSourceConnector extends SourceConnector {

    private Map<String, String> props;

    @Override
    public String version() {
        return Versions.version();
    }

    @Override
    public void start(Map<String, String> props) {
        new NatsSourceConfig(NatsKeys.translate(props));   // fail fast on bad config
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return NatsSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return split(props, new NatsSourceConfig(NatsKeys.translate(props, false)).subjects(), maxTasks);
    }

    /**
     * Deals the subjects to at most {@code maxTasks} tasks.
     *
     * <p>Several subjects: round-robin, one task per subject at most, so each subject (= source partition = durable
     * consumer) is read by exactly one task and keeps its order. Example: subjects {@code [a.*, b.*, c.>, d]} with
     * {@code tasks.max=3} give three tasks: {@code t0=[a.*, d]}, {@code t1=[b.*]}, {@code t2=[c.>]}; with
     * {@code tasks.max=8} still four tasks, one subject each.
     *
     * <p>One subject and {@code tasks.max > 1}: every task becomes a pull member of the same durable consumer (core
     * mode: a member of one queue group), and JetStream deals the messages among them. Example: {@code [orders.>]}
     * with {@code tasks.max=3} gives {@code t0, t1, t2}, each with {@code [orders.>]}, members 0..2 of 3. This
     * scales one busy subject but gives up the order between messages handed to different members, and turns off
     * the seek-to-stored-offset on restart (offsets of members interleave), hence no exactly-once support.
     */
    static List<Map<String, String>> split(Map<String, String> props, List<String> subjects, int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>();
        if (subjects.size() == 1 && maxTasks > 1) {
            for (int member = 0; member < maxTasks; member++) {
                configs.add(taskConfig(props, subjects, member, maxTasks));
            }
            return configs;
        }
        int tasks = Math.min(maxTasks, subjects.size());
        List<List<String>> dealt = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            dealt.add(new ArrayList<>());
        }
        for (int i = 0; i < subjects.size(); i++) {
            dealt.get(i % tasks).add(subjects.get(i));
        }
        for (List<String> own : dealt) {
            configs.add(taskConfig(props, own, 0, 1));
        }
        return configs;
    }

    private static Map<String, String> taskConfig(Map<String, String> props, List<String> subjects, int member,
                                                  int members) {
        Map<String, String> config = new HashMap<>(props);
        config.put(NatsSourceConfig.TASK_SUBJECTS, String.join(",", subjects));
        config.put(NatsSourceConfig.TASK_MEMBER, Integer.toString(member));
        config.put(NatsSourceConfig.TASK_MEMBERS, Integer.toString(members));
        return config;
    }

    @Override
    public void stop() {
        props = null;
    }

    @Override
    public ConfigDef config() {
        return NatsSourceConfig.CONFIG_DEF;
    }

    /**
     * Per-field checks from the {@link ConfigDef}, plus cross-field ones reported on the field to change (the REST
     * validate endpoint shows them next to it).
     */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        Map<String, ConfigValue> values = NatsKeys.byName(config);
        SourceValidation.check(connectorConfigs, values);
        return config;
    }

    /**
     * SUPPORTED in JetStream mode with one task per subject: offsets (stream sequences) are committed in the same
     * transaction as the records, messages are acked only in {@code commitRecord} (after that transaction
     * committed), and a restarted task recreates its durable consumer at the stored offset + 1 when the consumer's
     * ack floor lags behind it. Not in core mode (no replay) nor with several pull members on one subject.
     */
    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        return SourceValidation.exactlyOnceCapable(connectorConfig)
                ? ExactlyOnceSupport.SUPPORTED : ExactlyOnceSupport.UNSUPPORTED;
    }

    /**
     * Offsets API (KIP-875, {@code PATCH} / {@code DELETE /connectors/{name}/offsets}, connector stopped): checks the
     * new offsets, then deletes the durable consumer of every subject whose offset changed, so that its task starts
     * from the new offset (after stream sequence {@code seq}) or, for a reset, as {@code nats.deliver.policy} says.
     * Partitions are {@code {"stream": S, "subject": F}}, offsets {@code {"seq": N}}. Subjects shared by several
     * tasks (partitions with a {@code member}) keep their position in the durable and cannot be moved here.
     *
     * @throws ConnectException naming the partition or offset that is not the bridge's, or when NATS cannot be reached
     */
    @Override
    public boolean alterOffsets(Map<String, String> connectorConfig, Map<Map<String, ?>, Map<String, ?>> offsets) {
        Map<String, String> props = NatsKeys.translate(connectorConfig, false);
        NatsSourceConfig config = new NatsSourceConfig(props);
        List<String[]> durables = new ArrayList<>();
        for (Map.Entry<Map<String, ?>, Map<String, ?>> e : offsets.entrySet()) {
            Map<String, ?> partition = e.getKey();
            if (!(partition.get("stream") instanceof String stream) || !(partition.get("subject") instanceof String subject)
                    || partition.size() != 2) {
                throw new ConnectException("Invalid source partition " + partition + ": the NATS source's partitions are "
                        + "{\"stream\": <stream>, \"subject\": <subject filter>} (subjects shared by several tasks cannot "
                        + "be moved)");
            }
            Map<String, ?> offset = e.getValue();
            if (offset != null && !(offset.get("seq") instanceof Number n && n.longValue() >= 0)) {
                throw new ConnectException("Invalid source offset " + offset + " for " + partition + ": the NATS "
                        + "source's offsets are {\"seq\": <stream sequence already mirrored, 0 for none>}");
            }
            durables.add(new String[] {stream, config.durableName(props.getOrDefault("name", "nats-source"), subject)});
        }
        if (durables.isEmpty() || config.mode() == NatsSourceConfig.Mode.CORE) {
            return true;
        }
        List<io.relaybus.api.BusConfigException.Problem> problems = new ArrayList<>();
        io.relaybus.spi.config.ConfigValues values = NatsKeys.transportValues(props, "jetstream", problems);
        if (!problems.isEmpty()) {
            throw new ConnectException(new io.relaybus.api.BusConfigException(problems).getMessage());
        }
        try (io.relaybus.spi.Transport t = new io.relaybus.nats.NatsTransportProvider().create(
                new io.relaybus.spi.TransportContext("relaybus-offsets-" + props.getOrDefault("name", "nats-source"),
                        values))) {
            io.nats.client.JetStreamManagement jsm = t.unwrap(io.nats.client.Connection.class).orElseThrow()
                    .jetStreamManagement();
            for (String[] d : durables) {
                try {
                    jsm.deleteConsumer(d[0], d[1]);
                } catch (io.nats.client.JetStreamApiException gone) {
                    // no consumer yet (or no stream): the task creates it from the new offset
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            throw new ConnectException("Could not move the durable consumers to the new offsets: " + e.getMessage(), e);
        }
        return true;
    }

    /** The connector has no natural transaction boundaries; the worker's poll/interval boundaries work. */
    @Override
    public ConnectorTransactionBoundaries canDefineTransactionBoundaries(Map<String, String> connectorConfig) {
        return ConnectorTransactionBoundaries.UNSUPPORTED;
    }
}
