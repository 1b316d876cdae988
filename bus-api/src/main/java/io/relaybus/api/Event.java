package io.relaybus.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One event: an id, the topic it belongs to, an optional key, headers, payload bytes and a timestamp.
 *
 * <p>Immutable and thread safe. The payload array is <em>not</em> copied, neither when building nor by
 * {@link #payload()}: whoever builds an event hands the array over and must not change it afterwards; handlers
 * must not change the array they receive. The same holds for key and header values set from bytes.
 *
 * <p>Keys and header values are bytes on the wire. Most applications use strings ({@link #key()},
 * {@link #headers()}); an event consumed from another producer may carry bytes that are not valid UTF-8, which the
 * string views show decoded with replacement characters. {@link #keyBytes()} and {@link #headerBytes(String)} give the
 * exact bytes, and transports publish those, so such an event keeps its bytes (and its Kafka partition) through
 * retries, dead letters and re-publishing.
 *
 * <p>The key decides ordering and placement: events with the same key go to the same partition (Kafka) and are
 * handled one after another by a subscriber that asked for per-key order. The id identifies the event across
 * retries and re-sends (transports use it for de-duplication where the broker supports it).
 */
public final class Event {

    private static final byte[] NO_PAYLOAD = new byte[0];

    private final String id;
    private final String topic;
    private final String key;
    /** The key's exact bytes when it was set from bytes; null when it was set as a string (or absent). */
    private final byte[] rawKey;
    private final Map<String, String> headers;
    /** Exact bytes of the header values set from bytes; empty for the usual all-string event. */
    private final Map<String, byte[]> rawHeaders;
    private final byte[] payload;
    private final Instant timestamp;

    private Event(Builder b) {
        this.topic = requireTopic(b.topic);
        this.id = b.id != null ? b.id : Ids.next();
        this.key = b.key;
        this.rawKey = b.rawKey;
        this.headers = b.headers == null || b.headers.isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
        this.rawHeaders = b.rawHeaders == null || b.rawHeaders.isEmpty() ? Map.of() : Map.copyOf(b.rawHeaders);
        this.payload = Objects.requireNonNull(b.payload, "payload");
        this.timestamp = b.timestamp != null ? b.timestamp : Instant.now();
    }

    /** Starts an event for {@code topic}; id and timestamp default to a fresh UUID-formatted id and now. */
    public static Builder builder(String topic) {
        return new Builder(topic);
    }

    /** An event with a fresh id, no key and no headers. */
    public static Event of(String topic, byte[] payload) {
        return builder(topic).payload(payload).build();
    }

    /** An event with a fresh id and a key, the payload encoded as UTF-8. */
    public static Event of(String topic, String key, String payload) {
        return builder(topic).key(key).payload(payload).build();
    }

    public String id() {
        return id;
    }

    public String topic() {
        return topic;
    }

    /** The key, or empty for a keyless event. */
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }

    /** The key or {@code null}: for hot paths that should not allocate an {@link Optional}. */
    public String keyOrNull() {
        return key;
    }

    /**
     * The key's exact bytes, or {@code null} for a keyless event: the UTF-8 encoding of {@link #key()} unless the key
     * was set from bytes. Not copied (see the class comment).
     */
    public byte[] keyBytes() {
        if (rawKey != null) {
            return rawKey;
        }
        return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    }

    /** The length of {@link #keyBytes()}, 0 for a keyless event; computed without encoding the key. */
    public int keyByteLength() {
        if (rawKey != null) {
            return rawKey.length;
        }
        return key == null ? 0 : utf8Length(key);
    }

    /** Headers in insertion order, values as strings (see the class comment); never null, unmodifiable. */
    public Map<String, String> headers() {
        return headers;
    }

    /**
     * The exact bytes of header {@code name}, or {@code null} when the event has no such header: the UTF-8 encoding of
     * its string value unless it was set from bytes. Not copied.
     */
    public byte[] headerBytes(String name) {
        byte[] raw = rawHeaders.get(name);
        if (raw != null) {
            return raw;
        }
        String value = headers.get(name);
        return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The length of {@link #headerBytes(String)}, or -1 when the event has no header {@code name}; computed without
     * encoding the value.
     */
    public int headerByteLength(String name) {
        byte[] raw = rawHeaders.get(name);
        if (raw != null) {
            return raw.length;
        }
        String value = headers.get(name);
        return value == null ? -1 : utf8Length(value);
    }

    /** The number of bytes {@code s} takes in UTF-8 (an unpaired surrogate is encoded as '?', one byte). */
    static int utf8Length(String s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                continue;
            }
            if (c < 0x800) {
                bytes += 1;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 2;   // the pair: 4 bytes for 2 chars
                i++;
            } else if (Character.isSurrogate(c)) {
                // unpaired: String.getBytes writes '?'
            } else {
                bytes += 2;
            }
        }
        return bytes;
    }

    /** The payload, not copied (see the class comment). */
    public byte[] payload() {
        return payload;
    }

    /** The payload decoded as UTF-8. */
    public String payloadAsString() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** When the event was created by its publisher. */
    public Instant timestamp() {
        return timestamp;
    }

    /** A builder preset with every field of this event, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder(topic).id(id).key(key).payload(payload).timestamp(timestamp);
        b.rawKey = rawKey;
        if (!headers.isEmpty()) {
            b.headers = new LinkedHashMap<>(headers);
        }
        if (!rawHeaders.isEmpty()) {
            b.rawHeaders = new LinkedHashMap<>(rawHeaders);
        }
        return b;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Event)) {
            return false;
        }
        Event e = (Event) o;
        return id.equals(e.id) && topic.equals(e.topic) && Objects.equals(key, e.key) && headers.equals(e.headers)
                && Arrays.equals(keyBytes(), e.keyBytes()) && sameHeaderBytes(e)
                && Arrays.equals(payload, e.payload) && timestamp.equals(e.timestamp);
    }

    private boolean sameHeaderBytes(Event e) {
        if (rawHeaders.isEmpty() && e.rawHeaders.isEmpty()) {
            return true;
        }
        for (String name : headers.keySet()) {
            if (!Arrays.equals(headerBytes(name), e.headerBytes(name))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, topic, key);
    }

    @Override
    public String toString() {
        return "Event{id=" + id + ", topic=" + topic + ", key=" + key + ", headers=" + headers + ", payload="
                + payload.length + " bytes, timestamp=" + timestamp + '}';
    }

    private static String requireTopic(String topic) {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("An event needs a topic; got " + (topic == null ? "null" : "'" + topic + "'"));
        }
        return topic;
    }

    /**
     * Default event ids: version-4-formatted UUIDs made of a random per-JVM prefix (60 random bits, drawn once) and a
     * counter that starts at a random value. Unique within a JVM by construction and across JVMs unless two draw the
     * same prefix; unlike {@link UUID#randomUUID()} they cost no {@link SecureRandom} call (a synchronized read of
     * the system's entropy source) per event. Ids are identifiers, not secrets: they are predictable within a JVM.
     */
    private static final class Ids {
        private static final SecureRandom SEED = new SecureRandom();
        private static final long PREFIX = (SEED.nextLong() & ~0xF000L) | 0x4000L;   // version nibble: 4
        private static final AtomicLong COUNTER = new AtomicLong(SEED.nextLong());

        static String next() {
            long low = (COUNTER.getAndIncrement() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;   // IETF variant
            return new UUID(PREFIX, low).toString();
        }
    }

    /** Builds an {@link Event}. Not thread safe. */
    public static final class Builder {
        private String topic;
        private String id;
        private String key;
        private byte[] rawKey;
        /** Created with the first header: most events have none. */
        private Map<String, String> headers;
        private Map<String, byte[]> rawHeaders;
        private byte[] payload = NO_PAYLOAD;
        private Instant timestamp;

        private Builder(String topic) {
            this.topic = topic;
        }

        /** Changes the topic, for example to derive a dead letter from an event. */
        public Builder topic(String topic) {
            this.topic = topic;
            return this;
        }

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        /** Sets the key; {@code null} for a keyless event. */
        public Builder key(String key) {
            this.key = key;
            this.rawKey = null;
            return this;
        }

        /**
         * Sets the key from its exact bytes (not copied); {@code null} for a keyless event. {@link Event#key()} shows
         * them decoded as UTF-8, {@link Event#keyBytes()} returns them unchanged.
         */
        public Builder key(byte[] keyBytes) {
            this.key = keyBytes == null ? null : new String(keyBytes, StandardCharsets.UTF_8);
            this.rawKey = keyBytes;
            return this;
        }

        public Builder header(String name, String value) {
            headerMap().put(Objects.requireNonNull(name, "header name"), Objects.requireNonNull(value, "header value"));
            if (rawHeaders != null) {
                rawHeaders.remove(name);
            }
            return this;
        }

        /**
         * Sets a header from its exact bytes (not copied). {@link Event#headers()} shows them decoded as UTF-8,
         * {@link Event#headerBytes(String)} returns them unchanged.
         */
        public Builder header(String name, byte[] value) {
            Objects.requireNonNull(value, "header value");
            headerMap().put(Objects.requireNonNull(name, "header name"), new String(value, StandardCharsets.UTF_8));
            if (rawHeaders == null) {
                rawHeaders = new LinkedHashMap<>();
            }
            rawHeaders.put(name, value);
            return this;
        }

        private Map<String, String> headerMap() {
            if (headers == null) {
                headers = new LinkedHashMap<>();
            }
            return headers;
        }

        public Builder headers(Map<String, String> all) {
            all.forEach(this::header);
            return this;
        }

        /** Sets the payload; the array is not copied. */
        public Builder payload(byte[] payload) {
            this.payload = Objects.requireNonNull(payload, "payload");
            return this;
        }

        public Builder payload(String utf8) {
            return payload(utf8.getBytes(StandardCharsets.UTF_8));
        }

        public Builder timestamp(Instant timestamp) {
            this.timestamp = timestamp;
            return this;
        }

        public Event build() {
            return new Event(this);
        }
    }
}
