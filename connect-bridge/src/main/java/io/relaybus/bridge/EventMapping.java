package io.relaybus.bridge;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import io.relaybus.api.Event;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Values;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Kafka records and bus events, in the formats of the Kafka and the NATS transport, so that an event keeps its id,
 * key, headers and timestamp across the bridge in both directions:
 *
 * <table>
 *   <caption>one event on either side</caption>
 *   <tr><th>event</th><th>Kafka record (transport-kafka)</th><th>NATS message (transport-nats)</th></tr>
 *   <tr><td>id</td><td>header {@value #ID_HEADER}</td><td>{@code Nats-Msg-Id}</td></tr>
 *   <tr><td>key</td><td>record key, exact bytes</td><td>{@code Relaybus-Key}</td></tr>
 *   <tr><td>headers</td><td>record headers, exact bytes</td><td>headers (values NATS cannot carry as
 *       {@code =?UTF-8?B?...?=})</td></tr>
 *   <tr><td>timestamp</td><td>record timestamp (ms)</td><td>{@code Relaybus-Timestamp}</td></tr>
 * </table>
 *
 * The NATS side is the transport's {@link io.relaybus.nats.support.HeaderCodec}; this class only moves values between
 * {@link Event}s and Connect records. A record without {@value #ID_HEADER} gets the id {@code topic-partition-offset}
 * (stable, so a record published again is stored once). Keys and header values are bytes on the Kafka side: use the
 * {@code ByteArrayConverter} for keys, values and headers; a sink also takes strings (sent as UTF-8) and other Connect
 * values (their string form). Stateless.
 */
final class EventMapping {

    /** The Kafka transport's id header. */
    static final String ID_HEADER = "relaybus.id";

    private EventMapping() {
    }

    /** The event a sink record becomes, to be published to {@code subject}, marked with {@code origin}. */
    static Event toEvent(SinkRecord record, String subject, String origin) {
        Event.Builder b = Event.builder(subject);
        String id = null;
        for (Header h : record.headers()) {
            if (h.value() == null) {
                continue;
            }
            if (h.key().equals(ID_HEADER)) {
                id = new String(bytes(h.value(), h.schema()), StandardCharsets.UTF_8);
            } else if (!h.key().equalsIgnoreCase(Origins.HEADER)) {
                b.header(h.key(), bytes(h.value(), h.schema()));
            }
        }
        b.header(Origins.HEADER, origin);
        b.id(id == null || id.isEmpty() ? MsgIds.of(record.topic(), record.kafkaPartition(), record.kafkaOffset()) : id);
        if (record.key() != null) {
            b.key(bytes(record.key(), record.keySchema()));
        }
        b.payload(record.value() == null ? new byte[0] : bytes(record.value(), record.valueSchema()));
        if (record.timestamp() != null && record.timestamp() >= 0) {
            b.timestamp(Instant.ofEpochMilli(record.timestamp()));
        }
        return b.build();
    }

    /**
     * The source record of a NATS message decoded as {@code event}: id header, headers and origin as bytes, the key
     * as chosen by {@code key} (bytes), the timestamp in milliseconds.
     */
    static SourceRecord toRecord(Event event, byte[] key, String topic, Map<String, ?> partition,
                                 Map<String, ?> offset, String origin) {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addBytes(ID_HEADER, event.id().getBytes(StandardCharsets.UTF_8));
        for (String name : event.headers().keySet()) {
            if (!name.equalsIgnoreCase(Origins.HEADER) && !name.equals(ID_HEADER)) {
                headers.addBytes(name, event.headerBytes(name));
            }
        }
        headers.addBytes(Origins.HEADER, origin.getBytes(StandardCharsets.UTF_8));
        return new SourceRecord(partition, offset, topic, null, Schema.OPTIONAL_BYTES_SCHEMA, key,
                Schema.OPTIONAL_BYTES_SCHEMA, event.payload(), event.timestamp().toEpochMilli(), headers);
    }

    /** The bytes of a key, value or header value: {@code byte[]} as they are, strings as UTF-8, others as text. */
    static byte[] bytes(Object value, Schema schema) {
        if (value instanceof byte[] b) {
            return b;
        }
        if (value instanceof java.nio.ByteBuffer buffer) {
            byte[] b = new byte[buffer.remaining()];
            buffer.duplicate().get(b);
            return b;
        }
        String s = value instanceof String str ? str : Values.convertToString(schema, value);
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The text of a key or header value (for subject templates and origin checks): bytes read as UTF-8. */
    static String text(Object value, Schema schema) {
        return value == null ? null : value instanceof String s ? s
                : new String(bytes(value, schema), StandardCharsets.UTF_8);
    }
}
