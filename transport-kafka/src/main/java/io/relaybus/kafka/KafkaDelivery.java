package io.relaybus.kafka;

import io.relaybus.api.Event;
import io.relaybus.spi.Delivery;

/**
 * One record handed to the runtime. Settling records the offset as acknowledged in the partition state it came from;
 * the poll thread commits the contiguous acknowledged prefix. Kafka cannot redeliver a single record, so retries
 * happen in place in the runtime ({@link #canRedeliver()} is false). Thread safe.
 */
final class KafkaDelivery implements Delivery {

    private final Event event;
    private final PartitionState state;
    private final long offset;

    KafkaDelivery(Event event, PartitionState state, long offset) {
        this.event = event;
        this.state = state;
        this.offset = offset;
    }

    @Override
    public Event event() {
        return event;
    }

    PartitionState state() {
        return state;
    }

    long offset() {
        return offset;
    }

    @Override
    public void ack() {
        state.acknowledged(offset);
    }
}
