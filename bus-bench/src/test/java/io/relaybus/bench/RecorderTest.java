package io.relaybus.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RecorderTest {

    @Test
    void payloadRoundTripsItsHeader() {
        byte[] p = Payload.encode(123_456_789L, -42L, Payload.MEASURED, 1024);
        assertEquals(1024, p.length);
        assertEquals(123_456_789L, Payload.seq(p));
        assertEquals(-42L, Payload.sendNanos(p));
        assertEquals(Payload.MEASURED, Payload.phase(p));
        assertEquals(0, Payload.phase(new byte[3]));
    }

    @Test
    void duplicatesAreCountedOnceAndNeverAsThroughput() {
        Recorder r = new Recorder(10);
        long now = System.nanoTime();
        r.onEvent(Payload.encode(3, now, Payload.MEASURED, 64));
        r.onEvent(Payload.encode(3, now, Payload.MEASURED, 64));
        r.onEvent(Payload.encode(4, now, Payload.MEASURED, 64));
        r.onEvent(Payload.encode(0, now, Payload.WARMUP, 64));
        r.onEvent(Payload.encode(99, now, Payload.MEASURED, 64));
        r.onEvent("not ours".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(2, r.unique());
        assertEquals(1, r.duplicates());
        assertEquals(1, r.warmupHandled());
        assertEquals(2, r.foreign());
        assertEquals(2, r.endToEnd().getTotalCount());
    }

    @Test
    void failedPublishesAreNotAcknowledged() {
        Recorder r = new Recorder(10);
        r.onAck(System.nanoTime(), null);
        r.onAck(System.nanoTime(), new RuntimeException("broker down"));
        assertEquals(1, r.acked());
        assertEquals(1, r.failed());
        assertEquals(1, r.ackLatency().getTotalCount());
    }

    @Test
    void sequenceNumbersFarApartAreTrackedAcrossBitmapChunks() {
        Recorder r = new Recorder(BenchOptions.MAX_EVENTS);
        long now = System.nanoTime();
        for (long seq : new long[] {0, 131_071, 131_072, 1_000_000_000L, BenchOptions.MAX_EVENTS - 1}) {
            r.onEvent(Payload.encode(seq, now, Payload.MEASURED, 64));
            r.onEvent(Payload.encode(seq, now, Payload.MEASURED, 64));
        }
        r.onEvent(Payload.encode(BenchOptions.MAX_EVENTS, now, Payload.MEASURED, 64));
        assertEquals(5, r.unique());
        assertEquals(5, r.duplicates());
        assertEquals(1, r.foreign());
    }
}
