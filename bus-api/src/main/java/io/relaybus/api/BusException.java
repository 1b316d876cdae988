package io.relaybus.api;

/**
 * The root of every exception the bus throws or completes a future with. Unchecked.
 *
 * <p>Subclasses say what the caller can do: {@link BusConfigException} (fix the configuration),
 * {@link BusRetriableException} (try again later: the broker was unreachable or busy) and {@link BusFatalException}
 * (the bus or subscription cannot go on). The broker's own exception is kept as the cause.
 */
public class BusException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BusException(String message) {
        super(message);
    }

    public BusException(String message, Throwable cause) {
        super(message, cause);
    }
}
