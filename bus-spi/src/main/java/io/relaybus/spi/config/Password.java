package io.relaybus.spi.config;

/** A secret configuration value: prints as {@code [hidden]}, so it never reaches a log or an error message. */
public final class Password {

    public static final String HIDDEN = "[hidden]";

    private final String value;

    public Password(String value) {
        this.value = value;
    }

    /** The secret itself; pass it only to the client library that needs it. */
    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return HIDDEN;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Password && ((Password) o).value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
