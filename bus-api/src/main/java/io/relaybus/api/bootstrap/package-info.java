/**
 * The seam between {@code bus-api} and the runtime in {@code bus-spi}: applications never use it directly.
 */
package io.relaybus.api.bootstrap;
