package io.relaybus.spi;

import io.relaybus.api.StartPosition;

/**
 * What the runtime asks a transport to consume.
 *
 * @param topic        the topic
 * @param group        the consumer group, or {@code null} for a subscriber of its own (every event, from
 *                     {@code startFrom})
 * @param startFrom    where a new group or a groupless subscriber starts
 * @param maxInFlight  how many deliveries the runtime can hold un-acknowledged at most (queues plus running
 *                     handlers); size fetches and broker-side limits such as JetStream's max_ack_pending from it so
 *                     that the runtime's concurrency, not a server default, is the real limit
 */
public record SubscriptionSpec(String topic, String group, StartPosition startFrom, int maxInFlight) {

    /** A name for this subscription in logs: {@code topic} or {@code topic[group]}. */
    public String describe() {
        return group == null ? topic : topic + "[" + group + "]";
    }
}
