package io.relaybus.api;

/**
 * A failure that retrying will not fix: the bus is closed, authorization was refused, a topic or stream is missing
 * while provisioning is disabled, the broker rejected the record as too large.
 */
public class BusFatalException extends BusException {

    private static final long serialVersionUID = 1L;

    public BusFatalException(String message) {
        super(message);
    }

    public BusFatalException(String message, Throwable cause) {
        super(message, cause);
    }
}
