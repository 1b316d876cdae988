package io.relaybus.tck.broken;

import io.relaybus.spi.Delivery;
import io.relaybus.spi.DeliverySink;

/**
 * {@code broken-drop-refused}: ignores a refusal, so the intake believes every delivery was accepted and moves on.
 * A refused delivery is neither handled nor settled while the subscription lives (the memory broker hands it to the
 * group again only when the subscription closes).
 */
public final class DropRefusedTransportProvider extends BrokenMemoryTransportProvider {

    @Override
    public String name() {
        return "broken-drop-refused";
    }

    @Override
    boolean offer(DeliverySink sink, Delivery delivery) {
        sink.offer(delivery);
        return true;
    }
}
