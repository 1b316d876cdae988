package io.relaybus.spi.config;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
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
                return value instanceof Integer ? value
                        : parseNumber(s != null ? s : String.valueOf(value), Integer::valueOf,
                                "expected a whole number (32-bit)");
            case LONG:
                return value instanceof Integer || value instanceof Long ? ((Number) value).longValue()
                        : parseNumber(s != null ? s : String.valueOf(value), Long::valueOf, "expected a whole number");
            case DOUBLE:
                return value instanceof Number ? ((Number) value).doubleValue()
                        : parseNumber(s != null ? s : String.valueOf(value), Double::valueOf, "expected a number");
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

    private static Object parseNumber(String text, Function<String, ? extends Number> parser, String expected) {
        try {
            return parser.apply(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(expected);
        }
    }
}
