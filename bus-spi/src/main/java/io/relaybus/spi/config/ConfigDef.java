package io.relaybus.spi.config;

import io.relaybus.api.BusConfigException;
import io.relaybus.spi.support.MarkdownTable;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The definition of a component's configuration: its namespace (every key starts with it), its keys and its
 * pass-through prefixes (raw client settings handed on untouched, such as {@code kafka.producer.}).
 *
 * <p>{@link #parse} checks every key of the namespace at once and throws one {@link BusConfigException} listing all
 * problems: values that do not parse or validate, required keys that are missing, and unknown keys (a typo must not
 * be ignored silently). Keys outside the namespace are not looked at, so one configuration can hold settings for
 * several transports. Built once, then immutable and thread safe.
 */
public final class ConfigDef {

    private final String namespace;
    private final Map<String, ConfigKey> keys = new LinkedHashMap<>();
    private final Map<String, String> prefixes = new LinkedHashMap<>();

    /** @param namespace the prefix every key shares, for example {@code "kafka."} */
    public ConfigDef(String namespace) {
        if (!namespace.endsWith(".")) {
            throw new IllegalArgumentException("namespace must end with '.': " + namespace);
        }
        this.namespace = namespace;
    }

    public String namespace() {
        return namespace;
    }

    public ConfigDef define(String name, ConfigType type, Object defaultValue, Validator validator,
                            Importance importance, String doc) {
        return add(new ConfigKey(name, type, defaultValue, false, validator, importance, doc));
    }

    public ConfigDef defineRequired(String name, ConfigType type, Validator validator, Importance importance,
                                    String doc) {
        return add(new ConfigKey(name, type, null, true, validator, importance, doc));
    }

    /** Declares that every key starting with {@code prefix} is passed through as-is (prefix stripped). */
    public ConfigDef definePassThrough(String prefix, String doc) {
        checkNamespace(prefix);
        prefixes.put(prefix, doc);
        return this;
    }

    private ConfigDef add(ConfigKey key) {
        checkNamespace(key.name());
        if (keys.putIfAbsent(key.name(), key) != null) {
            throw new IllegalArgumentException("Configuration key defined twice: " + key.name());
        }
        if (key.defaultValue() != null) {
            try {
                Object parsed = key.type().parse(key.defaultValue());
                String reason = key.validator() == null ? null : key.validator().check(parsed);
                if (reason != null) {
                    throw new IllegalArgumentException(reason);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Default of " + key.name() + " is invalid: " + e.getMessage(), e);
            }
        }
        return this;
    }

    private void checkNamespace(String name) {
        if (!name.startsWith(namespace) || name.length() == namespace.length()) {
            throw new IllegalArgumentException(name + " is outside the namespace " + namespace);
        }
    }

    public Map<String, ConfigKey> keys() {
        return Collections.unmodifiableMap(keys);
    }

    public Map<String, String> passThroughPrefixes() {
        return Collections.unmodifiableMap(prefixes);
    }

    /** Adds the problems found in {@code props} to {@code problems} and returns the values (defaults applied). */
    public ConfigValues parse(Map<String, ?> props, List<BusConfigException.Problem> problems) {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, Map<String, Object>> passThrough = new LinkedHashMap<>();
        prefixes.keySet().forEach(p -> passThrough.put(p, new LinkedHashMap<>()));
        for (Map.Entry<String, ?> e : new TreeMap<String, Object>(props).entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(namespace) || keys.containsKey(name)) {
                continue;
            }
            String prefix = prefixes.keySet().stream().filter(name::startsWith).findFirst().orElse(null);
            if (prefix != null && name.length() > prefix.length()) {
                passThrough.get(prefix).put(name.substring(prefix.length()), e.getValue());
            } else {
                problems.add(new BusConfigException.Problem(name, Password.HIDDEN, "unknown key in the " + namespace
                        + "* namespace" + suggestion(name) + "; known keys: " + String.join(", ", keys.keySet())
                                + (prefixes.isEmpty() ? "" : "; pass-through prefixes: "
                                + String.join(", ", prefixes.keySet()))));
            }
        }
        for (ConfigKey key : keys.values()) {
            Object raw = props.get(key.name());
            if (raw == null) {
                if (key.required()) {
                    problems.add(new BusConfigException.Problem(key.name(), null, "required: " + key.doc()));
                }
                values.put(key.name(), key.defaultValue() == null ? null : key.type().parse(key.defaultValue()));
                continue;
            }
            try {
                Object parsed = key.type().parse(raw);
                String reason = key.validator() == null ? null : key.validator().check(parsed);
                if (reason != null) {
                    problems.add(new BusConfigException.Problem(key.name(), shown(key, raw), reason));
                    parsed = key.defaultValue() == null ? null : key.type().parse(key.defaultValue());
                }
                values.put(key.name(), parsed);
            } catch (IllegalArgumentException ex) {
                problems.add(new BusConfigException.Problem(key.name(), shown(key, raw), ex.getMessage()));
                // The default stands in, so cross-key checks can still run and report their problems too.
                values.put(key.name(), key.defaultValue() == null ? null : key.type().parse(key.defaultValue()));
            }
        }
        return new ConfigValues(values, passThrough);
    }

    /** Parses and throws at once when anything is wrong. */
    public ConfigValues parse(Map<String, ?> props) {
        List<BusConfigException.Problem> problems = new ArrayList<>();
        ConfigValues values = parse(props, problems);
        if (!problems.isEmpty()) {
            throw new BusConfigException(problems);
        }
        return values;
    }

    private static String shown(ConfigKey key, Object raw) {
        if ((key != null && key.type() == ConfigType.PASSWORD) || raw instanceof Password) {
            return Password.HIDDEN;
        }
        return String.valueOf(raw);
    }

    /**
     * {@code "; did you mean x?"} for the known key closest to a misspelt {@code name}, or nothing. The value of an
     * unknown key is never shown: it may be a misspelt secret ({@code sasl.jaas.confg}).
     */
    private String suggestion(String name) {
        String best = Suggestions.closest(name, keys.keySet(), Math.max(2, name.length() / 8));
        return best != null ? "; did you mean " + best + "?" : "";
    }

    /**
     * The reference table for the documentation, generated from the definitions (never hand-copied): one row per
     * key, then one per pass-through prefix.
     */
    public String toMarkdownTable() {
        MarkdownTable table = new MarkdownTable("key", "type", "default", "valid values", "importance", "description");
        for (ConfigKey k : keys.values()) {
            String def = k.required() ? "(required)" : k.defaultValue() == null ? "" : String.valueOf(k.defaultValue());
            table.row(MarkdownTable.code(k.name()), k.type().name().toLowerCase(Locale.ROOT), MarkdownTable.code(def),
                    k.validator() == null ? "" : k.validator().describe(),
                    k.importance().name().toLowerCase(Locale.ROOT), k.doc());
        }
        prefixes.forEach((p, doc) -> table.row(MarkdownTable.code(p + "*"), "pass-through", "", "", "low", doc));
        return table.toString();
    }
}
