package io.relaybus.bridge;

import java.nio.charset.StandardCharsets;

import io.nats.client.impl.Headers;
import org.apache.kafka.connect.data.Values;
import org.apache.kafka.connect.header.Header;

/**
 * NATS headers (multi-valued strings) to and from Connect headers. Each NATS value becomes one string Connect
 * header of the same name (so repeated values survive the round trip); a Connect header value is converted to its
 * string form ({@code byte[]} as UTF-8, others by {@link Values#convertToString}); null values are dropped.
 */
final class HeaderMapping {

    private HeaderMapping() {
    }

    static void toConnect(Headers nats, org.apache.kafka.connect.header.Headers connect, String skipKey) {
        if (nats == null) {
            return;
        }
        for (String key : nats.keySet()) {
            if (key.equalsIgnoreCase(skipKey)) {
                continue;
            }
            for (String value : nats.get(key)) {
                connect.addString(key, value);
            }
        }
    }

    static Headers toNats(org.apache.kafka.connect.header.Headers connect, String skipKey) {
        Headers nats = new Headers();
        for (Header h : connect) {
            if (h.key().equalsIgnoreCase(skipKey) || h.value() == null) {
                continue;
            }
            nats.add(h.key(), asString(h.value(), h));
        }
        return nats;
    }

    private static String asString(Object value, Header h) {
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (value instanceof String s) {
            return s;
        }
        return Values.convertToString(h.schema(), value);
    }

    /** The string form of a key or header value: {@code byte[]} as UTF-8, else Connect's string conversion. */
    static String asString(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return value instanceof String s ? s : Values.convertToString(null, value);
    }
}
