/**
 * Kafka Connect connectors between NATS and Kafka, built on the Relaybus transport helpers
 * ({@link io.relaybus.spi.support.BatchQueue} for source poll batches, {@link io.relaybus.spi.support.OffsetTracker} for the
 * sink's acknowledged-prefix commits).
 *
 * <p>Public: the four Connect entry points, {@link io.relaybus.bridge.NatsSourceConnector} /
 * {@link io.relaybus.bridge.NatsSourceTask} (NATS to Kafka) and {@link io.relaybus.bridge.NatsSinkConnector} /
 * {@link io.relaybus.bridge.NatsSinkTask} (Kafka to NATS JetStream). Everything else is package-private. The connectors are registered in
 * {@code META-INF/services} (by {@code @AutoService}) so workers with {@code plugin.discovery=service_load} find
 * them.
 */
package io.relaybus.bridge;
