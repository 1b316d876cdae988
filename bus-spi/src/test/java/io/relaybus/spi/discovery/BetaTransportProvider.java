package io.relaybus.spi.discovery;

/** A test transport named "beta". */
public class BetaTransportProvider extends AlphaTransportProvider {

    @Override
    public String name() {
        return "beta";
    }
}
