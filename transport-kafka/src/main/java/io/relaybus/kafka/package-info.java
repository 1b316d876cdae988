/**
 * The Apache Kafka transport ({@code bus.transport=kafka}), built on kafka-clients.
 *
 * <p>Publishing: one asynchronous, idempotent producer per bus (acks=all, at most 5 requests in flight, LZ4), tuned by
 * a named profile ({@code kafka.profile}: durable, throughput, latency). Events map onto records: key to record key,
 * headers to record headers, the id to the {@code relaybus.id} header, the timestamp to the record timestamp.
 *
 * <p>Consuming: one consumer and one poll thread per subscription; a group maps onto the Kafka consumer group of the
 * same name; offsets are committed only up to the contiguous prefix of handled events (at-least-once). Dispatch,
 * retries and dead letters are the runtime's ({@code io.relaybus.runtime}).
 *
 * <p>Only {@link io.relaybus.kafka.KafkaTransportProvider} (found by {@link java.util.ServiceLoader}) and
 * {@link io.relaybus.kafka.KafkaConfig} (the key names) are public.
 */
package io.relaybus.kafka;
