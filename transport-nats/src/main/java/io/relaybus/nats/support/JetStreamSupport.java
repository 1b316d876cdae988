package io.relaybus.nats.support;

import io.relaybus.spi.DeliverySink;
import io.relaybus.spi.TransportSubscription;

/**
 * What the NATS transport (JetStream mode) offers beyond the {@link io.relaybus.spi.Transport} SPI, for the Connect
 * bridge: obtain it with {@code transport.unwrap(JetStreamSupport.class)}; empty in core mode. Thread safe; it lives
 * as long as its transport.
 */
public interface JetStreamSupport {

    /**
     * The stream that stores {@code filterSubject} (wildcards allowed), or the stream named {@code stream} when not
     * null, with its state as the server reports it now. Never creates a stream.
     *
     * @throws io.relaybus.api.BusFatalException     when no stream (or not the named one) stores the subject
     * @throws io.relaybus.api.BusRetriableException when the server could not be asked
     */
    StreamState streamState(String stream, String filterSubject);

    /**
     * Starts a durable pull consumer as the transport's own subscriptions do (same consumer lifecycle, pull loop,
     * in-progress keep-alives, restarts with backoff, hand-back on close), delivering {@link JetStreamDelivery}s to
     * {@code sink}. The runtime contract of {@link DeliverySink} applies, including {@code intakeFailed}.
     */
    TransportSubscription consume(ConsumerSpec spec, DeliverySink sink);
}
