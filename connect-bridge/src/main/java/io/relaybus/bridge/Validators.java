package io.relaybus.bridge;

import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Single-field {@link ConfigDef.Validator}s; cross-field checks live in the connectors' {@code validate}. */
final class Validators {

    private Validators() {
    }

    static ConfigDef.Validator nonEmptyList(String what) {
        return new Named("non-empty list of " + what + "s", (name, value) -> {
            if (value == null || ((List<?>) value).isEmpty()) {
                throw new ConfigException(name, value, "at least one " + what + " is required");
            }
        });
    }

    static ConfigDef.Validator subjectFilters() {
        return new Named("non-empty list of NATS subjects, wildcards * and > allowed", (name, value) -> {
            List<?> list = (List<?>) value;
            if (list == null || list.isEmpty()) {
                throw new ConfigException(name, value, "at least one subject is required");
            }
            for (Object o : list) {
                String problem = Subjects.filterProblem(String.valueOf(o));
                if (problem != null) {
                    throw new ConfigException(name, value, problem);
                }
            }
        });
    }

    /** A template whose placeholders are all accepted by {@code placeholderProblem} (which returns null if fine). */
    static ConfigDef.Validator template(String description, Function<String, String> placeholderProblem) {
        return new Named(description, (name, value) -> {
            if (value == null || String.valueOf(value).isBlank()) {
                throw new ConfigException(name, value, "a template is required");
            }
            Template t;
            try {
                t = Template.parse((String) value);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
            for (String p : t.placeholders()) {
                String problem = placeholderProblem.apply(p);
                if (problem != null) {
                    throw new ConfigException(name, value, problem);
                }
            }
        });
    }

    static ConfigDef.Validator regexOrEmpty() {
        return new Named("a Java regular expression, or empty", (name, value) -> {
            if (value != null && !((String) value).isEmpty()) {
                try {
                    Pattern.compile((String) value);
                } catch (PatternSyntaxException e) {
                    throw new ConfigException(name, value, "not a valid regular expression: " + e.getDescription());
                }
            }
        });
    }

    static ConfigDef.Validator optionalName(String description, Function<String, String> problem) {
        return new Named(description, (name, value) -> {
            if (value != null && !((String) value).isEmpty()) {
                String p = problem.apply((String) value);
                if (p != null) {
                    throw new ConfigException(name, value, p);
                }
            }
        });
    }

    /** A validator with a readable {@code toString} (it appears in the generated docs' "Valid Values" column). */
    private record Named(String description, Check check) implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            check.ensureValid(name, value);
        }

        @Override
        public String toString() {
            return description;
        }
    }

    @FunctionalInterface
    private interface Check {
        void ensureValid(String name, Object value);
    }
}
