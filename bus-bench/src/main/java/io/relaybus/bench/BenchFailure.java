package io.relaybus.bench;

/**
 * The bench cannot do its job for a reason the user can fix (a broker that is not there, say); the message says what
 * to check and is printed on its own, without a stack trace.
 */
final class BenchFailure extends Exception {
    private static final long serialVersionUID = 1L;

    BenchFailure(String message) {
        super(message);
    }
}
