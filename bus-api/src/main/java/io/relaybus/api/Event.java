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
 * One event: an id, the topic it belongs to, an optional key, string headers, payload bytes and a timestamp.
 *
 * <p>Immutable and thread safe. The payload array is <em>not</em> copied, neither when building nor by
 * {@link #payload()}: whoever builds an event hands the array over and must not change it afterwards; handlers
 * must not change the array they receive.
 *
 * <p>The key decides ordering and placement: events with the same key go to the same partition (Kafka) and are
 * handled one after another by a subscriber that asked for per-key order. The id identifies the event across
 * retries and re-sends (transports use it for de-duplication where the broker supports it).
 */
public final class Event {

    private final String id;
    private final String topic;
    private final String key;
    private final Map<String, String> headers;
    private final byte[] payload;
    private final Instant timestamp;

    private Event(Builder b) {
        this.topic = requireTopic(b.topic);
        this.id = b.id != null ? b.id : Ids.next();
        this.key = b.key;
        this.headers = b.headers.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
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

    /** Headers in insertion order; never null, unmodifiable. */
    public Map<String, String> headers() {
        return headers;
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
        b.headers.putAll(headers);
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
                && Arrays.equals(payload, e.payload) && timestamp.equals(e.timestamp);
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
     * the system's entropy source) per event, which the benchmark showed at about 7% of a publishing thread. Ids are
     * identifiers, not secrets: they are predictable within a JVM.
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
        private final Map<String, String> headers = new LinkedHashMap<>();
        private byte[] payload = new byte[0];
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

        public Builder key(String key) {
            this.key = key;
            return this;
        }

        public Builder header(String name, String value) {
            headers.put(Objects.requireNonNull(name, "header name"), Objects.requireNonNull(value, "header value"));
            return this;
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
