package io.relaybus.spi.discovery;

/** A test transport whose name breaks the naming rule (lowercase letters, digits and dashes; not 'bus', the runtime's namespace). */
public class InvalidNameTransportProvider extends AlphaTransportProvider {

    @Override
    public String name() {
        return "Not Valid";
    }
}
