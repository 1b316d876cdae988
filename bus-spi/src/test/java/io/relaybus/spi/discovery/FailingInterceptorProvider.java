package io.relaybus.spi.discovery;

/** A test interceptor provider whose constructor throws, like one whose jar misses a dependency. */
public class FailingInterceptorProvider extends HeaderInterceptorProvider {

    static final String MESSAGE = "cannot start: tracing SDK missing";

    public FailingInterceptorProvider() {
        throw new IllegalStateException(MESSAGE);
    }
}
