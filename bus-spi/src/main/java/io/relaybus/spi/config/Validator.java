package io.relaybus.spi.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Checks a parsed, non-null value; returns {@code null} when valid, else what is allowed. */
@FunctionalInterface
public interface Validator {

    String check(Object value);

    /** Text for the documentation table, for example "[1,...]". */
    default String describe() {
        return "";
    }

    static Validator atLeast(long min) {
        return new Validator() {
            @Override
            public String check(Object value) {
                return ((Number) value).doubleValue() >= min ? null : "must be at least " + min;
            }

            @Override
            public String describe() {
                return "[" + min + ",...]";
            }
        };
    }

    static Validator between(long min, long max) {
        return new Validator() {
            @Override
            public String check(Object value) {
                double v = ((Number) value).doubleValue();
                return v >= min && v <= max ? null : "must be between " + min + " and " + max;
            }

            @Override
            public String describe() {
                return "[" + min + ",...," + max + "]";
            }
        };
    }

    /** One of the given strings, case-insensitive. */
    static Validator oneOf(String... allowed) {
        List<String> list = Arrays.stream(allowed).map(a -> a.toLowerCase(Locale.ROOT)).toList();
        return new Validator() {
            @Override
            public String check(Object value) {
                return list.contains(String.valueOf(value).toLowerCase(Locale.ROOT)) ? null
                        : "must be one of " + String.join(", ", list);
            }

            @Override
            public String describe() {
                return String.join(", ", list);
            }
        };
    }

    /** One of an enum's constants, case-insensitive. */
    static <E extends Enum<E>> Validator oneOf(Class<E> type) {
        return oneOf(Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT))
                .toArray(String[]::new));
    }

    static Validator nonEmpty() {
        return new Validator() {
            @Override
            public String check(Object value) {
                if (value instanceof List) {
                    return ((List<?>) value).isEmpty() ? "must not be empty" : null;
                }
                if (value instanceof Password) {   // its toString is "[hidden]", never empty
                    return ((Password) value).value().isEmpty() ? "must not be empty" : null;
                }
                return String.valueOf(value).isEmpty() ? "must not be empty" : null;
            }

            @Override
            public String describe() {
                return "non-empty";
            }
        };
    }
}
