package io.relaybus.nats;

import io.relaybus.nats.support.HeaderCodec;
import io.relaybus.nats.support.Names;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pure mapping rules: names, subjects, header values. */
class NamesAndHeadersTest {

    @Test
    @DisplayName("stream and consumer names lose the characters NATS forbids, long ones stay distinct")
    void sanitize() {
        assertEquals("orders_dlq", Names.sanitize("orders.dlq"));
        assertEquals("a_b_c_d_e_f", Names.sanitize("a*b>c/d\\e f"));
        String longA = "x".repeat(100) + "a";
        String longB = "x".repeat(100) + "b";
        assertEquals(64, Names.sanitize(longA).length());
        assertNotEquals(Names.sanitize(longA), Names.sanitize(longB));
    }

    @Test
    @DisplayName("a long durable name is valid; forbidden characters and empty names are not")
    void nameProblems() {
        assertNull(Names.nameProblem("relaybus-" + "x".repeat(120)));   // was refused: it differs from sanitize()
        assertTrue(Names.nameProblem("orders.dlq").contains("cannot contain"));
        assertTrue(Names.nameProblem("a b").contains("cannot contain"));
        assertEquals("empty", Names.nameProblem(""));
    }

    @Test
    @DisplayName("topics that are not literal subjects are rejected with the reason")
    void subjects() {
        assertNull(Names.subjectProblem("orders.eu-west.created"));
        assertTrue(Names.subjectProblem("orders.*").contains("wildcard"));
        assertTrue(Names.subjectProblem("orders.>").contains("wildcard"));
        assertTrue(Names.subjectProblem("orders..x").contains("empty token"));
        assertTrue(Names.subjectProblem("orders x").contains("whitespace"));
    }

    @Test
    @DisplayName("header values NATS cannot carry are encoded and decoded back; plain ASCII stays as is")
    void headerValues() {
        assertEquals("plain value", HeaderCodec.encodeValue("plain value"));
        for (String v : new String[] {"grüße", "two\nlines", "=?UTF-8?B?bm90?=", "", "\r"}) {
            String encoded = HeaderCodec.encodeValue(v);
            for (char c : encoded.toCharArray()) {
                assertTrue(c < 128 && c != '\n' && c != '\r', "unsendable character in " + encoded);
            }
            assertEquals(v, HeaderCodec.decodeValue(encoded));
        }
    }

    @Test
    @DisplayName("timestamps are written as Instant.toString writes them and read back exactly, without a formatter")
    void timestamps() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        long min = java.time.LocalDate.of(0, 1, 1).toEpochDay() * 86_400L;
        long max = java.time.LocalDate.of(9999, 12, 31).toEpochDay() * 86_400L + 86_399L;
        for (int i = 0; i < 20_000; i++) {
            long seconds = random.nextLong(min, max + 1);
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            java.time.Instant t = java.time.Instant.ofEpochSecond(seconds, nanos);
            String text = HeaderCodec.formatInstant(t);
            assertEquals(t.toString(), text);
            assertEquals(t, HeaderCodec.parseInstant(text));
        }
        java.time.Instant now = java.time.Instant.now();
        assertEquals(now, HeaderCodec.parseInstant(now.toString()));
        assertEquals(java.time.Instant.parse("2024-01-02T03:04:05.1Z"),
                HeaderCodec.parseInstant("2024-01-02T03:04:05.1Z"));
        assertEquals("+10000-01-01T00:00:00Z",
                HeaderCodec.formatInstant(java.time.Instant.parse("+10000-01-01T00:00:00Z")));
        assertEquals("-0001-01-01T00:00:00Z",
                HeaderCodec.formatInstant(java.time.Instant.parse("-0001-01-01T00:00:00Z")));
        // anything else is left to Instant.parse (null here)
        assertNull(HeaderCodec.parseInstant("2023-02-29T00:00:00Z"));
        assertNull(HeaderCodec.parseInstant("2024-01-02T03:04:05.Z"));
        assertNull(HeaderCodec.parseInstant("2024-01-02T03:04:05.1234567890Z"));
        assertNull(HeaderCodec.parseInstant("2024-01-02T03:04:05+01:00"));
        assertNull(HeaderCodec.parseInstant("2024-01-02 03:04:05Z"));
        assertNull(HeaderCodec.parseInstant("+10000-01-01T00:00:00Z"));
        assertNull(HeaderCodec.parseInstant("2024-13-02T03:04:05Z"));
        assertNull(HeaderCodec.parseInstant("2024-01-02T24:00:00Z"));
    }

    @Test
    @DisplayName("decoding: the codec's own header names, other spellings from foreign publishers, user headers")
    void decodeHeaders() {
        io.nats.client.impl.Headers own = new io.nats.client.impl.Headers()
                .put(HeaderCodec.MSG_ID, "id-1").put(HeaderCodec.KEY, "k").put(HeaderCodec.TIMESTAMP,
                        "2026-11-22T01:02:03.004Z").put("trace", "=?UTF-8?B?w6k=?=");
        io.relaybus.api.Event e = HeaderCodec.decode(io.nats.client.impl.NatsMessage.builder().subject("s")
                .headers(own).data(new byte[] {1}).build(), "t", false);
        assertEquals("id-1", e.id());
        assertEquals("k", e.keyOrNull());
        assertEquals(java.time.Instant.parse("2026-11-22T01:02:03.004Z"), e.timestamp());
        assertEquals(java.util.Map.of("trace", "\u00e9"), e.headers());

        io.nats.client.impl.Headers foreign = new io.nats.client.impl.Headers()
                .put("nats-msg-id", "id-2").put("relaybus-key", "k2").put("x", "y");
        e = HeaderCodec.decode(io.nats.client.impl.NatsMessage.builder().subject("s").headers(foreign)
                .data(new byte[0]).build(), "t", false);
        assertEquals("id-2", e.id());
        assertEquals("k2", e.keyOrNull());
        assertEquals(java.util.Map.of("x", "y"), e.headers());

        e = HeaderCodec.decode(io.nats.client.impl.NatsMessage.builder().subject("s").headers(
                new io.nats.client.impl.Headers().put(HeaderCodec.MSG_ID, "")).data(new byte[0]).build(), "t", false);
        assertEquals(36, e.id().length(), "an empty id is replaced: " + e.id());
    }

    @Test
    @DisplayName("key and header values are sent from their exact bytes and decoded back to them, UTF-8 or not")
    void binaryValuesRoundTrip() {
        byte[] binary = {(byte) 0xff, 0x00, (byte) 0xc3, 'a', (byte) 0x80};
        byte[] latin1 = "caf\u00e9".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        io.relaybus.api.Event event = io.relaybus.api.Event.builder("t").key(binary).header("bin", latin1)
                .header("text", "gr\u00fc\u00dfe").header("padded", " x\t").header("plain", "acme")
                .header("empty", "").payload("p").build();
        io.nats.client.impl.Headers h = HeaderCodec.encode(event);
        assertEquals("acme", h.getFirst("plain"), "plain ASCII stays as it is");
        assertEquals("", h.getFirst("empty"));
        for (String name : new String[] {"bin", "text", "padded", HeaderCodec.KEY}) {
            String v = h.getFirst(name);
            assertTrue(v.startsWith("=?UTF-8?B?") && v.endsWith("?="), name + " not encoded: " + v);
        }
        io.relaybus.api.Event back = HeaderCodec.decode(io.nats.client.impl.NatsMessage.builder().subject("t")
                .headers(h).data(event.payload()).build(), "t", false);
        org.junit.jupiter.api.Assertions.assertArrayEquals(binary, back.keyBytes());
        org.junit.jupiter.api.Assertions.assertArrayEquals(latin1, back.headerBytes("bin"));
        assertEquals("gr\u00fc\u00dfe", back.headers().get("text"));
        assertEquals(" x\t", back.headers().get("padded"));
        assertEquals("acme", back.headers().get("plain"));
        assertEquals("", back.headers().get("empty"));
        assertEquals(event, back);
    }
}
