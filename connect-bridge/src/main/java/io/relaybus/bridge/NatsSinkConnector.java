package io.relaybus.bridge;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.google.auto.service.AutoService;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Sink connector: Kafka topics to NATS JetStream subjects. See {@link NatsSinkTask} for how records are published
 * and committed, and {@code README.md} for the deployment guide.
 *
 * <p>Lifecycle (Connect's): {@link #validate}, {@link #start}, {@link #taskConfigs}, {@link #stop}, called by the
 * worker one at a time. Kafka's consumer group deals the topic partitions to the tasks, so every task gets the
 * same configuration.
 */
@AutoService(org.apache.kafka.connect.sink.SinkConnector.class)
public final class NatsSinkConnector extends SinkConnector {

    private Map<String, String> props;

    @Override
    public String version() {
        return Versions.version();
    }

    @Override
    public void start(Map<String, String> props) {
        new NatsSinkConfig(NatsKeys.translate(props));
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return NatsSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            configs.add(props);
        }
        return configs;
    }

    @Override
    public void stop() {
        props = null;
    }

    /**
     * Offsets API (KIP-875): the sink's offsets are its consumer group's, which the worker moves; nothing to do here.
     * Records replayed within the stream's duplicate window keep their {@code Nats-Msg-Id} and are stored once.
     */
    @Override
    public boolean alterOffsets(Map<String, String> connectorConfig,
                                Map<org.apache.kafka.common.TopicPartition, Long> offsets) {
        return true;
    }

    @Override
    public ConfigDef config() {
        return NatsSinkConfig.CONFIG_DEF;
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        Map<String, ConfigValue> values = NatsKeys.byName(config);
        NatsKeys.validate(connectorConfigs, "jetstream", values);
        String template = connectorConfigs.get(NatsSinkConfig.SUBJECT_TEMPLATE_CONFIG);
        ConfigValue templateValue = values.get(NatsSinkConfig.SUBJECT_TEMPLATE_CONFIG);
        if (template != null && templateValue != null && templateValue.errorMessages().isEmpty()) {
            String problem = SubjectTemplate.templateProblem(template);
            if (problem != null) {
                templateValue.addErrorMessage("Invalid value " + template + " for configuration "
                        + NatsSinkConfig.SUBJECT_TEMPLATE_CONFIG + ": " + problem);
            }
        }
        NatsKeys.validateOnline(connectorConfigs, "jetstream", null, null, null, values);
        return config;
    }
}
