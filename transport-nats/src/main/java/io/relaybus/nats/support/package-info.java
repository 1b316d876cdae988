/**
 * The NATS transport's building blocks that the Kafka Connect bridge ({@code connect-bridge}) runs on, so that NATS is
 * spoken by one implementation: the message format ({@link io.relaybus.nats.support.HeaderCodec}), subject and name
 * rules ({@link io.relaybus.nats.support.Names}), and, through
 * {@link io.relaybus.spi.Transport#unwrap(Class) Transport.unwrap}{@code (}{@link
 * io.relaybus.nats.support.JetStreamSupport}{@code .class)}, the transport's durable pull consumers for subject
 * filters and the state of streams. Publishing, connecting, authentication, TLS and error classification are the
 * transport's own {@link io.relaybus.spi.Transport}.
 *
 * <p>Public and kept stable for the bridge; applications use the bus API instead.
 */
package io.relaybus.nats.support;
