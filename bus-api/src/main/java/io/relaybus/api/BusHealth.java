package io.relaybus.api;

import java.util.Objects;

/**
 * The bus's view of its transport's health at one moment.
 *
 * @param status UP when the broker connection is established, DEGRADED while reconnecting, DOWN when closed or failed
 * @param detail a human-readable explanation, for example which broker addresses were tried
 */
public record BusHealth(Status status, String detail) {

    public enum Status { UP, DEGRADED, DOWN }

    public BusHealth {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
    }

    public static BusHealth up(String detail) {
        return new BusHealth(Status.UP, detail);
    }

    public static BusHealth degraded(String detail) {
        return new BusHealth(Status.DEGRADED, detail);
    }

    public static BusHealth down(String detail) {
        return new BusHealth(Status.DOWN, detail);
    }
}
