package io.relaybus.bridge;

import java.util.List;
import java.util.Map;

import io.relaybus.nats.NatsConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;

/** Cross-field checks of the source configuration, reported on the field the user has to change. */
final class SourceValidation {

    private SourceValidation() {
    }

    static void check(Map<String, String> props, Map<String, ConfigValue> values) {
        boolean fieldErrors = hasErrors(values);
        NatsKeys.validate(props, props.getOrDefault(NatsConfig.MODE_CONFIG, "jetstream").trim(), values);
        if (fieldErrors) {
            return;   // e.g. no subjects: the checks below would only repeat the problem
        }
        NatsSourceConfig config;
        try {
            config = new NatsSourceConfig(NatsKeys.translate(props, false));
        } catch (ConfigException e) {
            return;   // already reported per field by ConfigDef.validate
        }
        List<String> subjects = config.subjects();

        Template template = Template.parse(config.getString(NatsSourceConfig.TOPIC_TEMPLATE_CONFIG));
        for (String placeholder : template.placeholders()) {
            int token = TopicMapper.tokenIndex(placeholder);
            for (String subject : subjects) {
                if (token > Subjects.minDepth(subject) && !Subjects.openEnded(subject)) {
                    NatsKeys.addError(values, NatsSourceConfig.TOPIC_TEMPLATE_CONFIG, "Invalid value "
                            + template + " for configuration " + NatsSourceConfig.TOPIC_TEMPLATE_CONFIG
                            + ": {" + token + "} refers to token " + token + " but subject '" + subject + "' has only "
                            + Subjects.minDepth(subject) + " tokens");
                }
            }
        }
        String regex = config.getString(NatsSourceConfig.TOPIC_REGEX_CONFIG);
        if (!regex.isEmpty() && config.getString(NatsSourceConfig.TOPIC_REPLACEMENT_CONFIG).isEmpty()) {
            NatsKeys.addError(values, NatsSourceConfig.TOPIC_REPLACEMENT_CONFIG, "Missing value for "
                    + "configuration " + NatsSourceConfig.TOPIC_REPLACEMENT_CONFIG + ": required when "
                    + NatsSourceConfig.TOPIC_REGEX_CONFIG + " is set");
        }

        String keySource = config.getString(NatsSourceConfig.KEY_SOURCE_CONFIG);
        if (keySource.equalsIgnoreCase("header") && config.getString(NatsSourceConfig.KEY_HEADER_CONFIG).isBlank()) {
            NatsKeys.addError(values, NatsSourceConfig.KEY_HEADER_CONFIG, "Missing value for configuration "
                    + NatsSourceConfig.KEY_HEADER_CONFIG + ": required when " + NatsSourceConfig.KEY_SOURCE_CONFIG
                    + "=header; name the NATS header that holds the key");
        }
        if (keySource.equalsIgnoreCase("token")) {
            int token = config.getInt(NatsSourceConfig.KEY_TOKEN_CONFIG);
            for (String subject : subjects) {
                if (token > Subjects.minDepth(subject) && !Subjects.openEnded(subject)) {
                    NatsKeys.addError(values, NatsSourceConfig.KEY_TOKEN_CONFIG, "Invalid value " + token
                            + " for configuration " + NatsSourceConfig.KEY_TOKEN_CONFIG + ": subject '" + subject
                            + "' has only " + Subjects.minDepth(subject) + " tokens");
                }
            }
        }

        for (String converter : new String[] {"key.converter", "header.converter"}) {
            String c = props.get(converter);
            if (c != null && c.trim().equals("org.apache.kafka.connect.storage.StringConverter")) {
                NatsKeys.addError(values, converter, "Invalid value " + c + " for configuration " + converter
                        + ": the source writes keys and header values as bytes (exact, as published); use "
                        + "org.apache.kafka.connect.converters.ByteArrayConverter");
            }
        }
        String dlq = config.deadLetterSubject();
        if (!dlq.isBlank() && io.relaybus.nats.support.Names.subjectProblem(dlq) != null) {
            NatsKeys.addError(values, NatsSourceConfig.DEAD_LETTER_SUBJECT_CONFIG, "Invalid value " + dlq
                    + " for configuration " + NatsSourceConfig.DEAD_LETTER_SUBJECT_CONFIG + ": the subject "
                    + io.relaybus.nats.support.Names.subjectProblem(dlq));
        }

        NatsKeys.validateOnline(props, config.mode().name().toLowerCase(java.util.Locale.ROOT), subjects,
                config.stream(), NatsSourceConfig.SUBJECTS_CONFIG, values);

        String eos = props.get("exactly.once.support");
        if (config.mode() == NatsSourceConfig.Mode.CORE && "required".equalsIgnoreCase(eos)) {
            NatsKeys.addError(values, NatsConfig.MODE_CONFIG, "Invalid value core for configuration "
                    + NatsConfig.MODE_CONFIG + ": core NATS is at-most-once and cannot replay, so it cannot "
                    + "give exactly.once.support=required; use nats.mode=jetstream");
        } else if ("required".equalsIgnoreCase(eos) && !exactlyOnceCapable(props)) {
            NatsKeys.addError(values, NatsSourceConfig.SUBJECTS_CONFIG, "Invalid value " + subjects
                    + " for configuration " + NatsSourceConfig.SUBJECTS_CONFIG + ": one subject with tasks.max > 1 "
                    + "shares one durable consumer among tasks, which cannot be exactly-once; set tasks.max=1");
        }
    }

    static boolean exactlyOnceCapable(Map<String, String> props) {
        if ("core".equalsIgnoreCase(props.getOrDefault(NatsConfig.MODE_CONFIG, "jetstream").trim())) {
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
