/**
 * The NATS transport ({@code bus.transport=nats}): JetStream by default (events stored in streams, published with
 * de-duplication by event id, consumed through pull consumers with explicit acknowledgements), or core NATS
 * ({@code nats.mode=core}: at most once, queue groups). Only {@link io.relaybus.nats.NatsTransportProvider} and
 * {@link io.relaybus.nats.NatsConfig} are public; the rest is reached through the bus API.
 */
package io.relaybus.nats;
