/**
 * Helpers a transport (or another Relaybus module) may use; none is required. The contracts are in
 * {@link io.relaybus.spi}.
 */
package io.relaybus.spi.support;
