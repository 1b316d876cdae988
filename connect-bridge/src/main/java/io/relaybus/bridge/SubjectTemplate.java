package io.relaybus.bridge;

import io.relaybus.nats.support.Names;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The sink's NATS subject for a Kafka record: a {@link Template} over {@code {topic}}, {@code {partition}},
 * {@code {key}} and {@code {header:NAME}} (the last header of that name), e.g. {@code orders.{header:region}.{key}}.
 * Immutable and thread safe.
 */
final class SubjectTemplate {

    private final Template template;

    SubjectTemplate(Template template) {
        this.template = template;
    }

    /**
     * @throws IllegalArgumentException if a referenced key or header is missing, or the result is not a valid
     *                                  publish subject (the record cannot be sent: dead-letter it)
     */
    String subjectFor(SinkRecord record) {
        String subject = template.render(name -> resolve(name, record));
        String problem = Names.subjectProblem(subject);
        if (problem != null) {
            throw new IllegalArgumentException("record " + record.topic() + "-" + record.kafkaPartition() + "@"
                    + record.kafkaOffset() + " maps to the subject '" + subject + "', which " + problem);
        }
        return subject;
    }

    private static String resolve(String name, SinkRecord record) {
        switch (name) {
            case "topic" -> {
                return record.topic();
            }
            case "partition" -> {
                return String.valueOf(record.kafkaPartition());
            }
            case "key" -> {
                String key = EventMapping.text(record.key(), record.keySchema());
                if (key == null) {
                    throw new IllegalArgumentException("the subject template uses {key} but record "
                            + record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset()
                            + " has no key");
                }
                return key;
            }
            default -> {
                String headerName = name.substring("header:".length());
                Header h = record.headers().lastWithName(headerName);
                if (h == null || h.value() == null) {
                    throw new IllegalArgumentException("the subject template uses {" + name + "} but record "
                            + record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset()
                            + " has no such header");
                }
                return EventMapping.text(h.value(), h.schema());
            }
        }
    }

    /**
     * A reason why {@code template} can never give a subject to publish to (a wildcard or empty token, white space,
     * whatever its placeholders hold), or null. Each placeholder is tried as one plain token.
     */
    static String templateProblem(String template) {
        String sample = Template.parse(template).render(name -> "x");
        String problem = Names.subjectProblem(sample);
        return problem == null ? null : "every subject it gives " + problem + " (e.g. '" + sample + "')";
    }

    /** A reason why {@code placeholder} is not allowed in a subject template, or null. */
    static String placeholderProblem(String placeholder) {
        if (placeholder.equals("topic") || placeholder.equals("partition") || placeholder.equals("key")) {
            return null;
        }
        if (placeholder.startsWith("header:") && placeholder.length() > "header:".length()) {
            return null;
        }
        return "unknown placeholder {" + placeholder + "}: use {topic}, {partition}, {key} or {header:NAME}";
    }
}
