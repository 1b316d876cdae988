package io.relaybus.spi.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class UrlCredentialsTest {

    @Test
    void hidesTheUserInformationOfEveryUrlInAText() {
        assertEquals("Unable to connect to NATS servers: [nats://[hidden]@a:1, tls://[hidden]@b:2]",
                UrlCredentials.hideAll("Unable to connect to NATS servers: [nats://u:p@a:1, tls://tok@b:2]"));
        // passwords typed without percent-encoding
        assertEquals("failed: [nats://[hidden]@a:1, nats://[hidden]@b:2] (x)",
                UrlCredentials.hideAll("failed: [nats://u:p/w@a:1, nats://u:p@]w@b:2] (x)"));
        assertEquals("see nats://host:4222 or mail a@b", UrlCredentials.hideAll("see nats://host:4222 or mail a@b"));
        assertNull(UrlCredentials.hideAll(null));
    }

    @Test
    void hidesTheUserInformationOfAUrlValueUpToItsLastAt() {
        assertEquals("nats://[hidden]@host:4222", UrlCredentials.hide("nats://u:p@host:4222"));
        assertEquals("nats://host:4222", UrlCredentials.hide("nats://host:4222"));
        // passwords typed without percent-encoding
        assertEquals("nats://[hidden]@host:4222", UrlCredentials.hide("nats://u:p/w@host:4222"));
        assertEquals("nats://[hidden]@host:4222", UrlCredentials.hide("nats://u:p@w@host:4222"));
        assertEquals("nats://[hidden]@host:4222", UrlCredentials.hide("nats://u:p w,x@host:4222"));
        assertEquals("[hidden]@host:4222", UrlCredentials.hide("u:p@host:4222"));
        // a list: each URL's own user information, whatever its password holds
        assertEquals("nats://[hidden]@h1:4222,tls://[hidden]@h2:4222,nats://h3:4222",
                UrlCredentials.hide("nats://a:b c@h1:4222,tls://tok@h2:4222,nats://h3:4222"));
        assertNull(UrlCredentials.hide(null));
    }

    @Test
    void anErrorWithCredentialsInItsCausesBecomesACopyWithoutThem() {
        Exception clean = new IllegalStateException("no route to nats://host:4222");
        assertSame(clean, UrlCredentials.hidden(clean));

        Exception inner = new java.io.IOException("refused by nats://bench:s3cr3t@host:4222");
        Throwable copy = UrlCredentials.hidden(new RuntimeException("connect failed", inner));
        StringBuilder all = new StringBuilder();
        for (Throwable t = copy; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        assertFalse(all.toString().contains("s3cr3t"), all.toString());
        assertEquals("java.io.IOException: refused by nats://[hidden]@host:4222", copy.getCause().getMessage());
        assertEquals(inner.getStackTrace().length, copy.getCause().getStackTrace().length);
    }
}
