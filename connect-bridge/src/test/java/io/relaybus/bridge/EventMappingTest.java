package io.relaybus.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.relaybus.api.Event;
import io.relaybus.nats.support.HeaderCodec;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The wire format across the bridge, in process: a Kafka record becomes the NATS transport's message and back with
 * the exact bytes of key and header values, its id and timestamp. The same through a real worker is in
 * {@code BridgeIT}.
 */
class EventMappingTest {

    private static final byte[] BINARY_KEY = {(byte) 0xff, 0, (byte) 0xc3, 0x28, '\n'};
    private static final String MULTI_LINE = "java.lang.IllegalStateException: boom\n\tat x.Y.z(Y.java:1)\r\n€ end ";

    @Test
    @DisplayName("a record with a binary key, non-ASCII and multi-line headers becomes a NATS message that decodes to "
            + "the same bytes")
    void sinkRecordToNatsAndBack() {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addBytes("relaybus.id", "evt-1".getBytes(StandardCharsets.UTF_8));
        headers.addString("relaybus.dlq.error", MULTI_LINE);
        headers.addBytes("raw", new byte[] {(byte) 0x80, 1, 2});
        headers.addString("plain", "ascii");
        SinkRecord record = new SinkRecord("orders", 2, Schema.OPTIONAL_BYTES_SCHEMA, BINARY_KEY,
                Schema.OPTIONAL_BYTES_SCHEMA, "payload".getBytes(StandardCharsets.UTF_8), 41L, 1_700_000_000_123L,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME, headers);
        Event event = EventMapping.toEvent(record, "orders.out", "site-a");

        // What the old HeaderMapping did (new Headers().add(name, value)) throws "Header value has invalid character"
        // for these values; the transport's codec carries them.
        Headers nats = HeaderCodec.encode(event);
        NatsMessage message = NatsMessage.builder().subject("orders.out").headers(nats).data(event.payload()).build();
        Event back = HeaderCodec.decode(message, "orders.out", false);

        assertEquals("evt-1", back.id());
        assertArrayEquals(BINARY_KEY, back.keyBytes());
        assertEquals(MULTI_LINE, back.headers().get("relaybus.dlq.error"));
        assertArrayEquals(new byte[] {(byte) 0x80, 1, 2}, back.headerBytes("raw"));
        assertEquals("ascii", back.headers().get("plain"));
        assertEquals("site-a", back.headers().get(Origins.HEADER));
        assertNull(back.headerBytes("relaybus.id"), "the id travels as Nats-Msg-Id, not as a header");
        assertEquals(Instant.ofEpochMilli(1_700_000_000_123L), back.timestamp());
    }

    @Test
    @DisplayName("a record without relaybus.id gets topic-partition-offset as its id (a redelivery is stored once)")
    void idWithoutHeader() {
        SinkRecord record = new SinkRecord("orders", 2, null, "k", null, "v", 41L);
        assertEquals("orders-2-41", EventMapping.toEvent(record, "o", "x").id());
    }

    @Test
    @DisplayName("a NATS event becomes a source record with its id, key, headers and timestamp as the Kafka transport "
            + "writes them")
    void eventToSourceRecord() {
        Instant at = Instant.parse("2026-01-02T03:04:05.678Z");
        Event event = Event.builder("orders.eu").id("evt-9").key(BINARY_KEY).header("h", MULTI_LINE)
                .payload("p").timestamp(at).build();
        SourceRecord r = EventMapping.toRecord(event, event.keyBytes(), "orders", Map.of(), Map.of(), "src");
        assertArrayEquals(BINARY_KEY, (byte[]) r.key());
        assertEquals(at.toEpochMilli(), r.timestamp());
        assertArrayEquals("evt-9".getBytes(StandardCharsets.UTF_8), bytes(r, "relaybus.id"));
        assertArrayEquals(MULTI_LINE.getBytes(StandardCharsets.UTF_8), bytes(r, "h"));
        assertArrayEquals("src".getBytes(StandardCharsets.UTF_8), bytes(r, Origins.HEADER));
    }

    private static byte[] bytes(SourceRecord r, String name) {
        Header h = r.headers().lastWithName(name);
        return h == null ? null : (byte[]) h.value();
    }
}
