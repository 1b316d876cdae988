package io.relaybus.nats.support;

import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsJetStreamMetaData;
import io.relaybus.api.Event;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Maps an {@link Event} onto a NATS message's headers and back: the message format of the NATS transport, used by
 * the transport and by the Connect bridge alike, so a bus subscriber cannot tell which of them wrote a message.
 *
 * <ul>
 *   <li>id: {@code Nats-Msg-Id}, so JetStream de-duplicates re-sends within the stream's duplicate window. A message
 *       without it (from a plain NATS publisher) gets {@code <stream>#<sequence>} in JetStream mode, a stable id
 *       across redeliveries, or a random id in core mode.</li>
 *   <li>key: {@code Relaybus-Key}; timestamp: {@code Relaybus-Timestamp} (ISO-8601). Without it the stream's storage
 *       time is used (JetStream), else the time of receipt.</li>
 *   <li>user headers: as they are. NATS header values must be US-ASCII without CR or LF, and clients strip white
 *       space at their ends; a value outside that (or one that looks encoded) is sent as an RFC 2047 encoded word
 *       {@code =?UTF-8?B?...?=} holding its exact bytes, and decoded to those bytes on receipt, so any value, also
 *       one that is not UTF-8, survives the round trip. Header names must be printable US-ASCII without ':'. A header
 *       with several values (possible from plain NATS publishers) yields its first value.</li>
 * </ul>
 * Key and header values are handled as bytes ({@link Event#keyBytes()}, {@link Event#headerBytes(String)}). Messages
 * from other clients must keep header values ASCII: jnats (2.26) cannot read a message with another byte in a header
 * value (its reader stops), so only encoded words carry other bytes.
 * Stateless.
 */
public final class HeaderCodec {

    public static final String MSG_ID = "Nats-Msg-Id";
    public static final String KEY = "Relaybus-Key";
    public static final String TIMESTAMP = "Relaybus-Timestamp";

    private static final String ENCODED_PREFIX = "=?UTF-8?B?";
    private static final String ENCODED_SUFFIX = "?=";

    private HeaderCodec() {
    }

    /**
     * The headers for {@code event}, from its exact key and header bytes. Core mode sends {@code Nats-Msg-Id} too:
     * nothing de-duplicates there, but the receiver gets the id (and a stream capturing the subject would
     * de-duplicate).
     *
     * @throws IllegalArgumentException naming the header whose name NATS cannot carry
     */
    public static Headers encode(Event event) {
        Headers h = new Headers();
        for (String name : event.headers().keySet()) {
            if (name.equalsIgnoreCase(MSG_ID) || name.equalsIgnoreCase(KEY) || name.equalsIgnoreCase(TIMESTAMP)) {
                throw new IllegalArgumentException("Header name " + name + " is reserved by the NATS transport (it "
                        + "carries the event's id, key or timestamp); rename the header");
            }
            checkName(name);
            h.put(name, encodeValue(event.headerBytes(name)));
        }
        h.put(MSG_ID, encodeValue(event.id()));
        byte[] key = event.keyBytes();
        if (key != null) {
            h.put(KEY, encodeValue(key));
        }
        h.put(TIMESTAMP, formatInstant(event.timestamp()));
        return h;
    }

    /**
     * The event carried by {@code msg}, published to {@code topic}. Encoded words are decoded to the exact bytes they
     * carry ({@link Event.Builder#key(byte[])}, {@link Event.Builder#header(String, byte[])}); plain values are
     * ASCII.
     */
    public static Event decode(Message msg, String topic, boolean jetStream) {
        Headers h = msg.getHeaders();
        NatsJetStreamMetaData meta = jetStream && msg.isJetStream() ? msg.metaData() : null;
        Event.Builder b = Event.builder(topic).payload(msg.getData() == null ? new byte[0] : msg.getData());
        String id = null;
        String timestamp = null;
        if (h != null && !h.isEmpty()) {
            // The names as this codec writes them first: three look-ups, and for a bus event nothing else to do (this
            // runs on the pull thread for every event). Then whatever else there is: user headers, and the reserved
            // names in another spelling from foreign publishers.
            id = first(h.get(MSG_ID));
            String key = raw(h.get(KEY));
            timestamp = first(h.get(TIMESTAMP));
            int known = (id != null ? 1 : 0) + (key != null ? 1 : 0) + (timestamp != null ? 1 : 0);
            if (h.size() > known) {
                for (Map.Entry<String, List<String>> e : h.entrySet()) {
                    String name = e.getKey();
                    if (name.equals(MSG_ID) || name.equals(KEY) || name.equals(TIMESTAMP)) {
                        continue;
                    }
                    if (name.equalsIgnoreCase(MSG_ID)) {
                        id = id == null ? first(e.getValue()) : id;
                    } else if (name.equalsIgnoreCase(KEY)) {
                        key = key == null ? raw(e.getValue()) : key;
                    } else if (name.equalsIgnoreCase(TIMESTAMP)) {
                        timestamp = timestamp == null ? first(e.getValue()) : timestamp;
                    } else {
                        String value = raw(e.getValue());
                        byte[] encoded = encodedBytes(value);
                        if (encoded != null) {
                            b.header(name, encoded);
                        } else {
                            b.header(name, value);
                        }
                    }
                }
            }
            if (key != null) {
                byte[] encoded = encodedBytes(key);
                if (encoded != null) {
                    b.key(encoded);
                } else {
                    b.key(key);
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

    /** The first value of a header (decoded as text), "" for a header without a value, null for no header. */
    private static String first(List<String> values) {
        return values == null ? null : values.isEmpty() ? "" : decodeValue(values.get(0));
    }

    /** The first value of a header as it came, "" for a header without a value, null for no header. */
    private static String raw(List<String> values) {
        return values == null ? null : values.isEmpty() ? "" : values.get(0);
    }

    private static Instant timestamp(String header, NatsJetStreamMetaData meta) {
        if (header != null) {
            Instant fast = parseInstant(header);
            if (fast != null) {
                return fast;
            }
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

    /**
     * {@link Instant#toString()} without the formatter machinery (it is called once per published event): the same
     * text for years 0 to 9999, else falls back to it.
     */
    public static String formatInstant(Instant instant) {
        long seconds = instant.getEpochSecond();
        int nanos = instant.getNano();
        long days = Math.floorDiv(seconds, 86_400L);
        int secOfDay = (int) Math.floorMod(seconds, 86_400L);
        if (days < MIN_EPOCH_DAY || days > MAX_EPOCH_DAY) {
            return instant.toString();
        }
        LocalDate date = LocalDate.ofEpochDay(days);
        char[] c = new char[30];
        put(c, 0, date.getYear(), 4);
        c[4] = '-';
        put(c, 5, date.getMonthValue(), 2);
        c[7] = '-';
        put(c, 8, date.getDayOfMonth(), 2);
        c[10] = 'T';
        put(c, 11, secOfDay / 3600, 2);
        c[13] = ':';
        put(c, 14, secOfDay / 60 % 60, 2);
        c[16] = ':';
        put(c, 17, secOfDay % 60, 2);
        int n = 19;
        if (nanos != 0) {
            c[n++] = '.';
            if (nanos % 1_000_000 == 0) {
                put(c, n, nanos / 1_000_000, 3);
                n += 3;
            } else if (nanos % 1000 == 0) {
                put(c, n, nanos / 1000, 6);
                n += 6;
            } else {
                put(c, n, nanos, 9);
                n += 9;
            }
        }
        c[n++] = 'Z';
        return new String(c, 0, n);
    }

    private static final long MIN_EPOCH_DAY = LocalDate.of(0, 1, 1).toEpochDay();
    private static final long MAX_EPOCH_DAY = LocalDate.of(9999, 12, 31).toEpochDay();

    private static void put(char[] c, int at, int value, int digits) {
        for (int i = at + digits - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /**
     * Parses what {@link #formatInstant} (and {@link Instant#toString()}) writes, {@code yyyy-MM-ddTHH:mm:ss[.f]Z}
     * with 0 to 9 fraction digits, without the formatter machinery; null for anything else (the caller then uses
     * {@link Instant#parse}).
     */
    public static Instant parseInstant(String s) {
        int len = s.length();
        if (len < 20 || len > 30 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':' || s.charAt(len - 1) != 'Z') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59) {
            return null;
        }
        int nanos = 0;
        if (len > 20) {
            int fractionDigits = len - 21;
            if (s.charAt(19) != '.' || fractionDigits < 1) {
                return null;
            }
            nanos = digits(s, 20, fractionDigits);
            if (nanos < 0) {
                return null;
            }
            for (int i = fractionDigits; i < 9; i++) {
                nanos *= 10;
            }
        }
        if (day > 28 && day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
            return null;
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * 86_400L + hour * 3600L + minute * 60L + second, nanos);
    }

    /** The decimal number of {@code count} digits at {@code at}, or -1 when one is not a digit. */
    private static int digits(String s, int at, int count) {
        int v = 0;
        for (int i = at; i < at + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
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

    /** {@code value} as a NATS header value: {@link #encodeValue(byte[])} of its UTF-8 bytes. */
    public static String encodeValue(String value) {
        return encodeValue(value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Exact bytes as a NATS header value. NATS header values are US-ASCII lines, and NATS clients strip white space
     * (and control characters) at either end on receipt; so bytes that are ASCII without CR or LF and with a
     * printable character at either end are sent as they are, and anything else (and a value that looks encoded) as
     * the RFC 2047 encoded word {@code =?UTF-8?B?<base64 of the exact bytes>?=}. The base64 carries the bytes
     * unchanged, also when they are not valid UTF-8 (an event from a client in another language, or from Kafka);
     * {@link #encodedBytes} gives them back.
     */
    public static String encodeValue(byte[] value) {
        int n = value.length;
        boolean plain = n == 0 || (value[0] > ' ' && value[n - 1] > ' ');
        for (int i = 0; plain && i < n; i++) {
            byte c = value[i];
            plain = c >= 0 && c != '\r' && c != '\n';
        }
        if (plain) {
            String text = new String(value, StandardCharsets.US_ASCII);
            if (!(text.startsWith(ENCODED_PREFIX) && text.endsWith(ENCODED_SUFFIX))) {
                return text;
            }
        }
        return ENCODED_PREFIX + Base64.getEncoder().encodeToString(value) + ENCODED_SUFFIX;
    }

    /** A header value as text: an encoded word decoded (its bytes as UTF-8), anything else as it is. */
    public static String decodeValue(String value) {
        byte[] bytes = encodedBytes(value);
        return bytes == null ? value : new String(bytes, StandardCharsets.UTF_8);
    }

    /** The bytes an encoded word {@code =?UTF-8?B?...?=} carries; null when {@code value} is not one. */
    public static byte[] encodedBytes(String value) {
        if (value.length() >= ENCODED_PREFIX.length() + ENCODED_SUFFIX.length() && value.startsWith(ENCODED_PREFIX)
                && value.endsWith(ENCODED_SUFFIX)) {
            try {
                return Base64.getDecoder().decode(value.substring(ENCODED_PREFIX.length(),
                        value.length() - ENCODED_SUFFIX.length()));
            } catch (IllegalArgumentException e) {
                return null;   // looked encoded but was not: keep it as sent
            }
        }
        return null;
    }
}
