package io.relaybus.bridge;

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
        String problem = Subjects.problem(subject, false);
        if (problem != null) {
            throw new IllegalArgumentException("record " + record.topic() + "-" + record.kafkaPartition() + "@"
                    + record.kafkaOffset() + " maps to an invalid subject: " + problem);
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
                String key = HeaderMapping.asString(record.key());
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
                return HeaderMapping.asString(h.value());
            }
        }
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
