package io.relaybus.spi.discovery;

/** A test interceptor named "other" (stamps "other"). */
public class OtherInterceptorProvider extends HeaderInterceptorProvider {

    @Override
    public String name() {
        return "other";
    }
}
