package io.relaybus.bridge;

import java.util.Map;

import io.relaybus.api.Event;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Turns a NATS message, decoded by the transport's {@link io.relaybus.nats.support.HeaderCodec}, into the source
 * record for Kafka: topic from the real subject ({@link TopicMapper}), key ({@link KeyExtractor}), the rest by
 * {@link EventMapping}. Immutable and thread safe.
 */
record RecordConverter(TopicMapper topics, KeyExtractor keys, Origins origins, int maxRecordBytes) {

    /** A message that cannot become a Kafka record (handled by {@code errors.tolerance}). */
    static final class Unconvertible extends Exception {
        Unconvertible(String message) {
            super(message);
        }
    }


    /** Whether a message with this origin header value is a peer bridge's and must not be forwarded. */
    boolean skip(Event event) {
        byte[] origin = event.headerBytes(Origins.HEADER);
        return origin != null && origins.skip(new String(origin, java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * @throws Unconvertible naming the subject and the reason: no topic for the subject, a topic name Kafka refuses,
     *                       or a record above {@code kafka.max.record.bytes}
     */
    SourceRecord convert(Event event, String subject, Map<String, ?> partition, Map<String, ?> offset)
            throws Unconvertible {
        String topic;
        try {
            topic = topics.topicFor(subject);
        } catch (IllegalArgumentException e) {
            throw new Unconvertible(e.getMessage());
        }
        String topicProblem = topicProblem(topic);
        if (topicProblem != null) {
            throw new Unconvertible("subject '" + subject + "' maps to the topic '" + topic + "', which Kafka refuses: "
                    + topicProblem);
        }
        byte[] key = keys.keyFor(subject, event);
        long size = event.payload().length + (key == null ? 0 : key.length) + event.id().length();
        for (String name : event.headers().keySet()) {
            size += name.length() + event.headerBytes(name).length;
        }
        if (size > maxRecordBytes) {
            throw new Unconvertible("the message is " + size + " bytes, above " + maxRecordBytes + " ("
                    + NatsSourceConfig.MAX_RECORD_BYTES_CONFIG + ", which should match the producer's "
                    + "max.request.size)");
        }
        return EventMapping.toRecord(event, key, topic, partition, offset, origins.ownId());
    }

    /** Why Kafka refuses {@code topic} as a topic name, or null (legal characters are ensured by the mapper). */
    static String topicProblem(String topic) {
        if (topic.isEmpty() || topic.equals(".") || topic.equals("..")) {
            return "a topic name cannot be empty, '.' or '..'";
        }
        if (topic.length() > 249) {
            return "a topic name has at most 249 characters, this one " + topic.length();
        }
        return null;
    }
}
