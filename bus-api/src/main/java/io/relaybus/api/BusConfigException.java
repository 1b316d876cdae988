package io.relaybus.api;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Invalid configuration. Carries every problem found, not just the first, each naming the key, the value and what
 * is allowed; {@link #getMessage()} lists them all.
 */
public class BusConfigException extends BusException {

    private static final long serialVersionUID = 1L;

    /**
     * One invalid setting.
     *
     * @param key    the configuration key
     * @param value  the offending value as given, or {@code null} when it was missing; hidden for passwords
     * @param reason what is allowed
     */
    public record Problem(String key, String value, String reason) implements java.io.Serializable {
        @Override
        public String toString() {
            return value == null ? "Missing value for configuration " + key + ": " + reason
                    : "Invalid value " + value + " for configuration " + key + ": " + reason;
        }
    }

    private final transient List<Problem> problems;

    public BusConfigException(List<Problem> problems) {
        super(describe(problems));
        this.problems = List.copyOf(problems);
    }

    public BusConfigException(String key, String value, String reason) {
        this(List.of(new Problem(key, value, reason)));
    }

    /** Every problem found, in the order the keys were checked. */
    public List<Problem> problems() {
        return problems;
    }

    private static String describe(List<Problem> problems) {
        if (problems.size() == 1) {
            return problems.get(0).toString();
        }
        return problems.size() + " configuration problems:" + problems.stream().map(p -> "\n  - " + p)
                .collect(Collectors.joining());
    }
}
