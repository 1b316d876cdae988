package io.relaybus.api;

import java.util.Objects;

/**
 * What the broker said when it accepted an event.
 *
 * @param eventId  the event's id
 * @param topic    the topic it was stored in
 * @param position where the broker stored it, in the transport's terms (Kafka {@code partition@offset}, JetStream
 *                 {@code stream#sequence}); informational
 * @param duplicate true when the broker recognised the event id as already stored and did not store it again
 */
public record PublishReceipt(String eventId, String topic, String position, boolean duplicate) {

    public PublishReceipt {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(position, "position");
    }
}
