package io.relaybus.nats.support;

import io.relaybus.spi.Delivery;

/**
 * A delivery from a JetStream consumer, with where the message is stored. {@link #event()} is the message decoded by
 * {@link HeaderCodec}; its topic is the consumer's filter, {@link #subject()} the subject the message was published
 * to. Settling is {@link Delivery}'s: {@code ack} acknowledges, {@code redeliver} naks. Thread safe.
 */
public interface JetStreamDelivery extends Delivery {

    /** The subject the message was published to. */
    String subject();

    /** The stream that stores it. */
    String stream();

    /** Its sequence in that stream. */
    long streamSequence();

    /** The message's size as stored: payload plus encoded headers, in bytes. */
    long storedSize();
}
