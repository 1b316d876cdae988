package io.relaybus.bridge;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;

/** Cross-field checks of the source configuration, reported on the field the user has to change. */
final class SourceValidation {

    private SourceValidation() {
    }

    static void check(Map<String, String> props, Map<String, ConfigValue> values) {
        boolean fieldErrors = hasErrors(values);
        NatsClientConfig.validate(props, values);
        if (fieldErrors) {
            return;   // e.g. no subjects: the checks below would only repeat the problem
        }
        NatsSourceConfig config;
        try {
            config = new NatsSourceConfig(props);
        } catch (ConfigException e) {
            return;   // already reported per field by ConfigDef.validate
        }
        List<String> subjects = config.subjects();

        Template template = Template.parse(config.getString(NatsSourceConfig.TOPIC_TEMPLATE_CONFIG));
        for (String placeholder : template.placeholders()) {
            int token = TopicMapper.tokenIndex(placeholder);
            for (String subject : subjects) {
                if (token > Subjects.minDepth(subject) && !Subjects.openEnded(subject)) {
                    NatsClientConfig.addError(values, NatsSourceConfig.TOPIC_TEMPLATE_CONFIG, "Invalid value "
                            + template + " for configuration " + NatsSourceConfig.TOPIC_TEMPLATE_CONFIG
                            + ": {" + token + "} refers to token " + token + " but subject '" + subject + "' has only "
                            + Subjects.minDepth(subject) + " tokens");
                }
            }
        }
        String regex = config.getString(NatsSourceConfig.TOPIC_REGEX_CONFIG);
        if (!regex.isEmpty() && config.getString(NatsSourceConfig.TOPIC_REPLACEMENT_CONFIG).isEmpty()) {
            NatsClientConfig.addError(values, NatsSourceConfig.TOPIC_REPLACEMENT_CONFIG, "Missing value for "
                    + "configuration " + NatsSourceConfig.TOPIC_REPLACEMENT_CONFIG + ": required when "
                    + NatsSourceConfig.TOPIC_REGEX_CONFIG + " is set");
        }

        String keySource = config.getString(NatsSourceConfig.KEY_SOURCE_CONFIG);
        if (keySource.equalsIgnoreCase("header") && config.getString(NatsSourceConfig.KEY_HEADER_CONFIG).isBlank()) {
            NatsClientConfig.addError(values, NatsSourceConfig.KEY_HEADER_CONFIG, "Missing value for configuration "
                    + NatsSourceConfig.KEY_HEADER_CONFIG + ": required when " + NatsSourceConfig.KEY_SOURCE_CONFIG
                    + "=header; name the NATS header that holds the key");
        }
        if (keySource.equalsIgnoreCase("token")) {
            int token = config.getInt(NatsSourceConfig.KEY_TOKEN_CONFIG);
            for (String subject : subjects) {
                if (token > Subjects.minDepth(subject) && !Subjects.openEnded(subject)) {
                    NatsClientConfig.addError(values, NatsSourceConfig.KEY_TOKEN_CONFIG, "Invalid value " + token
                            + " for configuration " + NatsSourceConfig.KEY_TOKEN_CONFIG + ": subject '" + subject
                            + "' has only " + Subjects.minDepth(subject) + " tokens");
                }
            }
        }

        String eos = props.get("exactly.once.support");
        if (config.mode() == NatsSourceConfig.Mode.CORE && "required".equalsIgnoreCase(eos)) {
            NatsClientConfig.addError(values, NatsSourceConfig.MODE_CONFIG, "Invalid value core for configuration "
                    + NatsSourceConfig.MODE_CONFIG + ": core NATS is at-most-once and cannot replay, so it cannot "
                    + "give exactly.once.support=required; use nats.mode=jetstream");
        } else if ("required".equalsIgnoreCase(eos) && !exactlyOnceCapable(props)) {
            NatsClientConfig.addError(values, NatsSourceConfig.SUBJECTS_CONFIG, "Invalid value " + subjects
                    + " for configuration " + NatsSourceConfig.SUBJECTS_CONFIG + ": one subject with tasks.max > 1 "
                    + "shares one durable consumer among tasks, which cannot be exactly-once; set tasks.max=1");
        }
    }

    static boolean exactlyOnceCapable(Map<String, String> props) {
        if ("core".equalsIgnoreCase(props.getOrDefault(NatsSourceConfig.MODE_CONFIG, "jetstream").trim())) {
            return false;
        }
        String subjects = props.getOrDefault(NatsSourceConfig.SUBJECTS_CONFIG, "");
        int maxTasks;
        try {
            maxTasks = Integer.parseInt(props.getOrDefault("tasks.max", "1").trim());
        } catch (NumberFormatException e) {
            maxTasks = 1;
        }
        boolean oneSubject = subjects.split(",").length == 1;
        return !(oneSubject && maxTasks > 1);
    }

    private static boolean hasErrors(Map<String, ConfigValue> values) {
        return values.values().stream().anyMatch(v -> !v.errorMessages().isEmpty());
    }
}
