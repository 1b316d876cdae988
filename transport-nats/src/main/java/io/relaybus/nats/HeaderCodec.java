package io.relaybus.nats;

import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsJetStreamMetaData;
import io.relaybus.api.Event;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Maps an {@link Event} onto a NATS message's headers and back.
 *
 * <ul>
 *   <li>id: {@code Nats-Msg-Id}, so JetStream de-duplicates re-sends within the stream's duplicate window. A message
 *       without it (from a plain NATS publisher) gets {@code <stream>#<sequence>} in JetStream mode, a stable id
 *       across redeliveries, or a random id in core mode.</li>
 *   <li>key: {@code Relaybus-Key}; timestamp: {@code Relaybus-Timestamp} (ISO-8601). Without it the stream's storage
 *       time is used (JetStream), else the time of receipt.</li>
 *   <li>user headers: as they are. NATS header values must be US-ASCII without CR or LF; a value outside that (or
 *       one that looks encoded) is sent as an RFC 2047 encoded word {@code =?UTF-8?B?...?=} and decoded on receipt,
 *       so any string survives the round trip. Header names must be printable US-ASCII without ':'. A header with
 *       several values (possible from plain NATS publishers) yields its first value.</li>
 * </ul>
 * Stateless.
 */
final class HeaderCodec {

    static final String MSG_ID = "Nats-Msg-Id";
    static final String KEY = "Relaybus-Key";
    static final String TIMESTAMP = "Relaybus-Timestamp";

    private static final String ENCODED_PREFIX = "=?UTF-8?B?";
    private static final String ENCODED_SUFFIX = "?=";

    private HeaderCodec() {
    }

    /**
     * The headers for {@code event}. Core mode sends {@code Nats-Msg-Id} too: nothing de-duplicates there, but the
     * receiver gets the id (and a stream capturing the subject would de-duplicate).
     *
     * @throws IllegalArgumentException naming the header whose name NATS cannot carry
     */
    static Headers encode(Event event) {
        Headers h = new Headers();
        for (Map.Entry<String, String> e : event.headers().entrySet()) {
            String name = e.getKey();
            if (name.equalsIgnoreCase(MSG_ID) || name.equalsIgnoreCase(KEY) || name.equalsIgnoreCase(TIMESTAMP)) {
                throw new IllegalArgumentException("Header name " + name + " is reserved by the NATS transport (it "
                        + "carries the event's id, key or timestamp); rename the header");
            }
            checkName(name);
            h.put(name, encodeValue(e.getValue()));
        }
        h.put(MSG_ID, encodeValue(event.id()));
        if (event.keyOrNull() != null) {
            h.put(KEY, encodeValue(event.keyOrNull()));
        }
        h.put(TIMESTAMP, event.timestamp().toString());
        return h;
    }

    /** The event carried by {@code msg}, published to {@code topic}. */
    static Event decode(Message msg, String topic, boolean jetStream) {
        Headers h = msg.getHeaders();
        NatsJetStreamMetaData meta = jetStream && msg.isJetStream() ? msg.metaData() : null;
        Event.Builder b = Event.builder(topic).payload(msg.getData() == null ? new byte[0] : msg.getData());
        String id = null;
        String timestamp = null;
        if (h != null && !h.isEmpty()) {
            for (String name : h.keySet()) {
                List<String> values = h.get(name);
                String value = values == null || values.isEmpty() ? "" : decodeValue(values.get(0));
                if (name.equalsIgnoreCase(MSG_ID)) {
                    id = value;
                } else if (name.equalsIgnoreCase(KEY)) {
                    b.key(value);
                } else if (name.equalsIgnoreCase(TIMESTAMP)) {
                    timestamp = value;
                } else {
                    b.header(name, value);
                }
            }
        }
        if (id == null || id.isEmpty()) {
            id = meta != null ? meta.getStream() + "#" + meta.streamSequence() : UUID.randomUUID().toString();
        }
        b.id(id);
        b.timestamp(timestamp(timestamp, meta));
        return b.build();
    }

    private static Instant timestamp(String header, NatsJetStreamMetaData meta) {
        if (header != null) {
            try {
                return Instant.parse(header);
            } catch (DateTimeParseException e) {
                // a foreign publisher's format: fall back to the stream's time
            }
        }
        if (meta != null && meta.timestamp() != null) {
            return meta.timestamp().toInstant();
        }
        return Instant.now();
    }

    private static void checkName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 33 || c > 126 || c == ':') {
                throw new IllegalArgumentException("Header name '" + name + "' cannot be sent over NATS: names must be "
                        + "printable US-ASCII without spaces or ':'");
            }
        }
    }

    static String encodeValue(String value) {
        boolean plain = !(value.startsWith(ENCODED_PREFIX) && value.endsWith(ENCODED_SUFFIX));
        for (int i = 0; plain && i < value.length(); i++) {
            char c = value.charAt(i);
            plain = c <= 127 && c != '\r' && c != '\n';
        }
        if (plain) {
            return value;
        }
        return ENCODED_PREFIX + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))
                + ENCODED_SUFFIX;
    }

    static String decodeValue(String value) {
        if (value.length() >= ENCODED_PREFIX.length() + ENCODED_SUFFIX.length() && value.startsWith(ENCODED_PREFIX)
                && value.endsWith(ENCODED_SUFFIX)) {
            try {
                return new String(Base64.getDecoder().decode(value.substring(ENCODED_PREFIX.length(),
                        value.length() - ENCODED_SUFFIX.length())), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return value;   // looked encoded but was not: keep it as sent
            }
        }
        return value;
    }
}
