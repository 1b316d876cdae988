package io.relaybus.tck.broken;

/**
 * {@code broken-early-ack}: acknowledges each delivery when it is offered, before any handler ran (auto-ack on
 * receipt). The runtime's later settlement is then a no-op, so whatever is unhandled when a subscription closes, or
 * handed back for redelivery, is gone.
 */
public final class EarlyAckTransportProvider extends BrokenMemoryTransportProvider {

    public EarlyAckTransportProvider() {
        super("broken-early-ack", (sink, delivery) -> {
            delivery.ack();
            return sink.offer(delivery);
        });
    }
}
