package io.relaybus.spi.config;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** The type of a configuration key, and how a string or object value is parsed into it. */
public enum ConfigType {
    STRING, INT, LONG, DOUBLE, BOOLEAN,
    /** Comma-separated strings, or a {@link List}. */
    LIST,
    /** A secret; parsed into {@link Password}. */
    PASSWORD;

    /**
     * Parses {@code value}.
     *
     * @throws IllegalArgumentException with the reason, when it does not parse
     */
    Object parse(Object value) {
        if (value == null) {
            return null;
        }
        String s = value instanceof String ? ((String) value).trim() : null;
        switch (this) {
            case STRING:
                if (value instanceof String) {
                    return s;
                }
                throw new IllegalArgumentException("expected a string");
            case PASSWORD:
                if (value instanceof Password) {
                    return value;
                }
                if (value instanceof String) {
                    return new Password((String) value);
                }
                throw new IllegalArgumentException("expected a string");
            case INT:
                if (value instanceof Integer) {
                    return value;
                }
                try {
                    return Integer.parseInt(s != null ? s : String.valueOf(value));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("expected a whole number (32-bit)");
                }
            case LONG:
                if (value instanceof Integer || value instanceof Long) {
                    return ((Number) value).longValue();
                }
                try {
                    return Long.parseLong(s != null ? s : String.valueOf(value));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("expected a whole number");
                }
            case DOUBLE:
                if (value instanceof Number) {
                    return ((Number) value).doubleValue();
                }
                try {
                    return Double.parseDouble(s != null ? s : String.valueOf(value));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("expected a number");
                }
            case BOOLEAN:
                if (value instanceof Boolean) {
                    return value;
                }
                if ("true".equalsIgnoreCase(s)) {
                    return true;
                }
                if ("false".equalsIgnoreCase(s)) {
                    return false;
                }
                throw new IllegalArgumentException("expected true or false");
            case LIST:
                if (value instanceof List) {
                    return ((List<?>) value).stream().map(String::valueOf).collect(Collectors.toUnmodifiableList());
                }
                if (value instanceof String) {
                    return s.isEmpty() ? List.of() : Arrays.stream(s.split(",")).map(String::trim)
                            .filter(x -> !x.isEmpty()).collect(Collectors.toUnmodifiableList());
                }
                throw new IllegalArgumentException("expected a comma-separated list");
            default:
                throw new AssertionError(this);
        }
    }
}
