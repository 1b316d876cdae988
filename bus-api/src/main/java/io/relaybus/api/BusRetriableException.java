package io.relaybus.api;

/**
 * A failure that may succeed when tried again: a broker not reachable in time, a leader election, a full buffer.
 * The message says which broker addresses were used and what to check.
 */
public class BusRetriableException extends BusException {

    private static final long serialVersionUID = 1L;

    public BusRetriableException(String message) {
        super(message);
    }

    public BusRetriableException(String message, Throwable cause) {
        super(message, cause);
    }
}
