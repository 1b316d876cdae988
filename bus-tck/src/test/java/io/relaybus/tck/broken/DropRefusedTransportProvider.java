package io.relaybus.tck.broken;

/**
 * {@code broken-drop-refused}: ignores a refusal, so the intake believes every delivery was accepted and moves on.
 * A refused delivery is neither handled nor settled while the subscription lives (the memory broker hands it to the
 * group again only when the subscription closes).
 */
public final class DropRefusedTransportProvider extends BrokenMemoryTransportProvider {

    public DropRefusedTransportProvider() {
        super("broken-drop-refused", (sink, delivery) -> {
            sink.offer(delivery);
            return true;
        });
    }
}
