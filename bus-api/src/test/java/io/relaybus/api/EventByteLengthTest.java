package io.relaybus.api;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

@DisplayName("Event byte lengths: what keyBytes() and headerBytes() would return, without encoding")
class EventByteLengthTest {

    /** ASCII, 2-, 3- and 4-byte characters, and lone surrogates (which UTF-8 encoding replaces by '?'). */
    private static final String[] SAMPLES = {"", "order-42", "caf\u00e9", "\u20ac100", "\ud83d\ude80 launch",
            "lone \ud83d high", "lone \ude80 low", "end \ud83d"};

    @Test
    @DisplayName("a string key's length is its UTF-8 length; a byte key's is its own; no key is 0")
    void keyByteLength() {
        for (String s : SAMPLES) {
            Event e = Event.builder("t").key(s).build();
            assertEquals(s.getBytes(StandardCharsets.UTF_8).length, e.keyByteLength(), s);
            assertEquals(e.keyBytes().length, e.keyByteLength(), s);
        }
        byte[] invalid = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF};   // not UTF-8: its decoded string is longer
        assertEquals(3, Event.builder("t").key(invalid).build().keyByteLength());
        assertEquals(0, Event.builder("t").build().keyByteLength());
    }

    @Test
    @DisplayName("a header's length is that of headerBytes(name), string or exact bytes; a missing header is -1")
    void headerByteLength() {
        Event.Builder b = Event.builder("t");
        for (int i = 0; i < SAMPLES.length; i++) {
            b.header("h" + i, SAMPLES[i]);
        }
        byte[] invalid = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF};
        Event e = b.header("raw", invalid).build();
        for (String name : e.headers().keySet()) {
            assertEquals(e.headerBytes(name).length, e.headerByteLength(name), name);
        }
        assertEquals(3, e.headerByteLength("raw"));
        assertEquals(-1, e.headerByteLength("missing"));
    }

    @Test
    @DisplayName("a derived copy keeps headers and exact bytes, and adding a header to it leaves the original as it was")
    void toBuilderKeepsHeaders() {
        Event original = Event.builder("t").header("a", "1").header("raw", new byte[] {(byte) 0xFF}).build();
        Event copy = original.toBuilder().header("b", "2").build();
        assertEquals(java.util.List.of("a", "raw"), java.util.List.copyOf(original.headers().keySet()));
        assertEquals(java.util.List.of("a", "raw", "b"), java.util.List.copyOf(copy.headers().keySet()));
        assertEquals(1, copy.headerBytes("raw").length);
        assertEquals(original, original.toBuilder().build());
        assertEquals(java.util.Map.of(), Event.builder("t").build().toBuilder().build().headers());
    }
}
