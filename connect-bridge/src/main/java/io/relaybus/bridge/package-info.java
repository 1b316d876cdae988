/**
 * Kafka Connect connectors between NATS and Kafka, running on the NATS transport ({@code transport-nats}: connection,
 * authentication, TLS, message format, JetStream publisher and durable pull consumers, through
 * {@link io.relaybus.nats.support}) and on the Relaybus transport helpers ({@link io.relaybus.spi.support.BatchQueue}
 * for the source's poll batches, {@link io.relaybus.spi.support.OffsetTracker} for the sink's acknowledged-prefix
 * commits).
 *
 * <p>Public: the four Connect entry points, {@link io.relaybus.bridge.NatsSourceConnector} /
 * {@link io.relaybus.bridge.NatsSourceTask} (NATS to Kafka) and {@link io.relaybus.bridge.NatsSinkConnector} /
 * {@link io.relaybus.bridge.NatsSinkTask} (Kafka to NATS JetStream). Everything else is package-private. The connectors are registered in
 * {@code META-INF/services} (by {@code @AutoService}) so workers with {@code plugin.discovery=service_load} find
 * them.
 */
package io.relaybus.bridge;
