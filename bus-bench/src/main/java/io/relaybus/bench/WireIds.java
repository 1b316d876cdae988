package io.relaybus.bench;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Event ids for the raw baselines, so that they put the same bytes on the wire as the bus: the bus gives every event
 * a 36-character UUID-format id (a random per-JVM prefix and a counter) and sends it as a header ({@code relaybus.id}
 * on Kafka, {@code Nats-Msg-Id} on NATS, where JetStream de-duplicates by it). A baseline sending a 7-character id
 * instead measured the broker doing less work, not the bus's cost: on NATS the same-run ratio moved from about 0.8x
 * to about 1.0x once both sent ids of the same length and the same headers. Generated as cheaply as the bus's (no
 * SecureRandom per id), so the raw client pays no more for them than the bus does.
 */
final class WireIds {

    private final long prefix = ThreadLocalRandom.current().nextLong() & 0xffffffffffff0fffL | 0x0000000000004000L;
    private final AtomicLong counter = new AtomicLong();

    /** The next id: UUID text, version 4 and IETF variant bits set like the bus's. */
    String next() {
        long low = counter.incrementAndGet() & 0x3fffffffffffffffL | 0x8000000000000000L;
        return new UUID(prefix, low).toString();
    }
}
