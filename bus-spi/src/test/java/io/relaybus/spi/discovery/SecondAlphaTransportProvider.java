package io.relaybus.spi.discovery;

/** A second test transport that also calls itself "alpha", as a copied or shaded jar would. */
public class SecondAlphaTransportProvider extends AlphaTransportProvider {
}
