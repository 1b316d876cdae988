package io.relaybus.spi.memory;

import io.relaybus.api.BusHealth;
import io.relaybus.api.Event;
import io.relaybus.api.PublishReceipt;
import io.relaybus.spi.DeliverySink;
import io.relaybus.spi.SubscriptionSpec;
import io.relaybus.spi.Transport;
import io.relaybus.spi.TransportSubscription;

import java.util.concurrent.CompletableFuture;

/** A transport over a {@link MemoryBroker}. Publishing appends synchronously; the future is complete on return. */
final class MemoryTransport implements Transport {

    private final MemoryBroker broker;
    private final int fetchMax;

    MemoryTransport(MemoryBroker broker, int fetchMax) {
        this.broker = broker;
        this.fetchMax = fetchMax;
    }

    @Override
    public CompletableFuture<PublishReceipt> publish(Event event) {
        long offset = broker.topic(event.topic()).append(event);
        return CompletableFuture.completedFuture(new PublishReceipt(event.id(), event.topic(), Long.toString(offset),
                false));
    }

    @Override
    public TransportSubscription subscribe(SubscriptionSpec spec, DeliverySink sink) {
        return new MemorySubscription(broker.topic(spec.topic()), spec, sink, fetchMax);
    }

    @Override
    public BusHealth health() {
        return BusHealth.up("in-memory broker '" + broker.name() + "'");
    }

    @Override
    public void close() {
        // Nothing to release: the broker lives on for other buses of the same name.
    }
}
