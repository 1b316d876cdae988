package io.relaybus.kafka;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import java.util.Map;

/**
 * Creates the consumer of a subscription from its properties. The transport uses {@link #KAFKA}; tests substitute
 * consumers that fail on purpose (kafka-clients' {@code MockConsumer}, or a wrapper around a real one).
 * Implementations are called from a subscription's poll thread, once per start or restart of its intake.
 */
@FunctionalInterface
interface ConsumerFactory {

    /** A new {@link KafkaConsumer}. */
    ConsumerFactory KAFKA = KafkaConsumer::new;

    /**
     * @param properties the consumer settings (a copy the caller does not touch again)
     * @throws org.apache.kafka.common.config.ConfigException when the settings are refused
     */
    Consumer<byte[], byte[]> create(Map<String, Object> properties);
}
