package io.relaybus.kafka;

import io.relaybus.api.Event;
import io.relaybus.spi.Delivery;

/**
 * One record handed to the runtime: its event, the partition state it came from and its offset. Settling records the
 * offset as acknowledged in that state; the poll thread commits the contiguous acknowledged prefix. Kafka cannot
 * redeliver a single record, so retries happen in place in the runtime ({@link #canRedeliver()} is false). Thread
 * safe.
 */
record KafkaDelivery(Event event, PartitionState state, long offset) implements Delivery {

    @Override
    public void ack() {
        state.acknowledged(offset);
    }
}
