package io.relaybus.spi.discovery;

/** A second provider of the name "stamp", as a duplicate jar would bring. */
public class SecondHeaderInterceptorProvider extends HeaderInterceptorProvider {
}
