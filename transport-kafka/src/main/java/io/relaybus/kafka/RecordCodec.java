package io.relaybus.kafka;

import io.relaybus.api.Event;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Maps events to Kafka records and back, so that stock Kafka clients can read what the bus writes and the bus can
 * read what they write:
 * <ul>
 *   <li>id: header {@value #ID_HEADER} (UTF-8); a record without it (from another producer) gets the id
 *       {@code topic-partition@offset}, stable across redeliveries;</li>
 *   <li>key: record key, the exact bytes ({@link Event#keyBytes()}; they decide the partition, with Kafka's default
 *       murmur2 partitioner), so a record from another producer keeps its key bytes, valid UTF-8 or not, through
 *       retries, dead letters and re-publishing;</li>
 *   <li>headers: record headers, the exact value bytes ({@link Event#headerBytes(String)}); a null header value reads
 *       as empty, a repeated name keeps the last;</li>
 *   <li>timestamp: record timestamp (CreateTime), milliseconds;</li>
 *   <li>payload: record value; a null value (tombstone) reads as an empty payload.</li>
 * </ul>
 * Stateless.
 */
final class RecordCodec {

    /** The header holding the event id. */
    static final String ID_HEADER = "relaybus.id";

    private RecordCodec() {
    }

    static ProducerRecord<byte[], byte[]> toRecord(Event event) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(ID_HEADER, utf8(event.id()));
        for (String name : event.headers().keySet()) {
            headers.add(name, event.headerBytes(name));
        }
        return new ProducerRecord<>(event.topic(), null, event.timestamp().toEpochMilli(), event.keyBytes(),
                event.payload(), headers);
    }

    static Event toEvent(ConsumerRecord<byte[], byte[]> record) {
        Event.Builder b = Event.builder(record.topic());
        String id = null;
        for (Header h : record.headers()) {
            byte[] value = h.value() == null ? new byte[0] : h.value();
            if (h.key().equals(ID_HEADER)) {
                id = new String(value, StandardCharsets.UTF_8);
            } else {
                b.header(h.key(), value);
            }
        }
        b.id(id != null && !id.isEmpty() ? id : record.topic() + "-" + record.partition() + "@" + record.offset());
        if (record.key() != null) {
            b.key(record.key());
        }
        b.payload(record.value() == null ? new byte[0] : record.value());
        b.timestamp(record.timestamp() >= 0 ? Instant.ofEpochMilli(record.timestamp()) : Instant.now());
        return b.build();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
