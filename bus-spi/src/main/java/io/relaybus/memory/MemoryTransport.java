package io.relaybus.memory;

import io.relaybus.api.BusConfigException;
import io.relaybus.api.BusException;
import io.relaybus.api.BusFatalException;
import io.relaybus.api.BusHealth;
import io.relaybus.api.BusRetriableException;
import io.relaybus.api.Event;
import io.relaybus.api.PublishReceipt;
import io.relaybus.spi.DeliverySink;
import io.relaybus.spi.SubscriptionSpec;
import io.relaybus.spi.Transport;
import io.relaybus.spi.TransportSubscription;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A transport over a {@link MemoryBroker}. Publishing appends synchronously, waiting while the append would drop
 * events a live group has not taken (at most {@code memory.max.block.ms}); the future is complete on return.
 */
final class MemoryTransport implements Transport {

    private final MemoryBroker broker;
    private final int fetchMax;
    private final int maxEventBytes;
    private final long maxBlockNanos;

    MemoryTransport(MemoryBroker broker, int fetchMax, int maxEventBytes, long maxBlockMillis) {
        this.broker = broker;
        this.fetchMax = fetchMax;
        this.maxEventBytes = maxEventBytes;
        this.maxBlockNanos = TimeUnit.MILLISECONDS.toNanos(maxBlockMillis);
    }

    @Override
    public CompletableFuture<PublishReceipt> publish(Event event) {
        long size = sizeOf(event);
        if (size > maxEventBytes) {
            return CompletableFuture.failedFuture(new BusFatalException("Event " + event.id() + " to topic '"
                    + event.topic() + "' is " + size + " bytes, over " + MemoryTransportProvider.MAX_EVENT_BYTES_CONFIG
                    + "=" + maxEventBytes + "; send smaller events or raise the limit"));
        }
        long offset;
        try {
            offset = broker.topic(event.topic()).append(event, (int) size, maxBlockNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(new BusException("Event " + event.id() + " to topic '"
                    + event.topic() + "' was not stored: the publishing thread was interrupted while the topic was "
                    + "full (" + MemoryTransportProvider.MAX_BLOCK_CONFIG + ")", e));
        } catch (BusRetriableException e) {
            return CompletableFuture.failedFuture(e);
        }
        return CompletableFuture.completedFuture(new PublishReceipt(event.id(), event.topic(), Long.toString(offset),
                false));
    }

    /** Payload, key and header bytes, counted without encoding anything (this runs on every publish). */
    private static long sizeOf(Event event) {
        long size = event.payload().length + (long) event.keyByteLength();
        if (!event.headers().isEmpty()) {
            for (String name : event.headers().keySet()) {
                size += name.length() + event.headerByteLength(name);
            }
        }
        return size;
    }

    /** Any name a real broker could also take: non-blank, without whitespace or control characters. */
    @Override
    public void validateTopic(String topic) {
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw new BusConfigException("topic", topic, "the memory transport takes no whitespace or control "
                        + "character (one is at index " + i + "); use letters, digits, '.', '_' and '-'");
            }
        }
    }

    @Override
    public TransportSubscription subscribe(SubscriptionSpec spec, DeliverySink sink) {
        return new MemorySubscription(broker, spec, sink, fetchMax);
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
