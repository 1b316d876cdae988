package io.relaybus.spi.discovery;

/** A test transport whose constructor throws, like a provider whose jar misses a dependency. */
public class FailingTransportProvider extends AlphaTransportProvider {

    static final String MESSAGE = "cannot start: native library missing";

    public FailingTransportProvider() {
        throw new IllegalStateException(MESSAGE);
    }

    @Override
    public String name() {
        return "failing";
    }
}
