package io.relaybus.spi.config;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parsed, validated configuration of one component, defaults applied. Accessors return domain types. Immutable.
 */
public final class ConfigValues {

    private final Map<String, Object> values;
    private final Map<String, Map<String, Object>> passThrough;

    ConfigValues(Map<String, Object> values, Map<String, Map<String, Object>> passThrough) {
        this.values = values;
        this.passThrough = passThrough;
    }

    private Object get(String key) {
        if (!values.containsKey(key)) {
            throw new IllegalArgumentException("No configuration key " + key + " is defined");
        }
        return values.get(key);
    }

    /** Whether the key has a value (given or by default). */
    public boolean has(String key) {
        return get(key) != null;
    }

    public String getString(String key) {
        Object v = get(key);
        return v == null ? null : String.valueOf(v);
    }

    public int getInt(String key) {
        return (Integer) get(key);
    }

    public long getLong(String key) {
        return (Long) get(key);
    }

    public double getDouble(String key) {
        return (Double) get(key);
    }

    public boolean getBoolean(String key) {
        return (Boolean) get(key);
    }

    @SuppressWarnings("unchecked")
    public List<String> getList(String key) {
        Object v = get(key);
        return v == null ? List.of() : (List<String>) v;
    }

    public Password getPassword(String key) {
        return (Password) get(key);
    }

    /** A {@code LONG} key in milliseconds, as a {@link Duration}. */
    public Duration getDuration(String key) {
        return Duration.ofMillis(getLong(key));
    }

    /** A {@code STRING} key validated with {@link Validator#oneOf(Class)}, as the enum constant. */
    public <E extends Enum<E>> E getEnum(String key, Class<E> type) {
        String v = getString(key);
        return v == null ? null : Enum.valueOf(type, v.toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /** The settings given under a pass-through prefix, the prefix stripped; empty when none. */
    public Map<String, Object> passThrough(String prefix) {
        Map<String, Object> m = passThrough.get(prefix);
        return m == null ? Map.of() : Collections.unmodifiableMap(m);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        values.forEach((k, v) -> sb.append(k).append('=').append(v).append(", "));
        // Pass-through values are never shown: no list of secret-looking names catches every misspelling.
        passThrough.forEach((p, m) -> m.forEach((k, v) -> sb.append(p).append(k).append('=').append(Password.HIDDEN)
                .append(", ")));
        return sb.append('}').toString();
    }
}
