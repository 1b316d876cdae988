package io.relaybus.nats;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pure mapping rules: names, subjects, redaction, header values. */
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
    @DisplayName("topics that are not literal subjects are rejected with the reason")
    void subjects() {
        assertNull(Names.subjectProblem("orders.eu-west.created"));
        assertTrue(Names.subjectProblem("orders.*").contains("wildcard"));
        assertTrue(Names.subjectProblem("orders.>").contains("wildcard"));
        assertTrue(Names.subjectProblem("orders..x").contains("empty token"));
        assertTrue(Names.subjectProblem("orders x").contains("whitespace"));
    }

    @Test
    @DisplayName("user information in URLs is hidden wherever it appears")
    void redaction() {
        assertEquals("nats://[hidden]@host:4222", Names.redact("nats://u:p@host:4222"));
        assertEquals("nats://host:4222", Names.redact("nats://host:4222"));
        assertEquals("Unable to connect to NATS servers: [nats://[hidden]@a:1, tls://[hidden]@b:2]",
                Names.redactAll("Unable to connect to NATS servers: [nats://u:p@a:1, tls://tok@b:2]"));
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
}
