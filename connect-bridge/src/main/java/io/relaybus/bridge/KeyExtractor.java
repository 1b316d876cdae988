package io.relaybus.bridge;

import java.nio.charset.StandardCharsets;

import io.relaybus.api.Event;

/**
 * Chooses the Kafka record key of a NATS message: the event's own key (the transport's {@code Relaybus-Key}, exact
 * bytes), none, one token of its real subject (1-based, as UTF-8), or the exact bytes of a header. {@code token} is
 * used only with {@link Source#TOKEN}, {@code header} only with {@link Source#HEADER}. Immutable and thread safe.
 */
record KeyExtractor(Source source, int token, String header) {

    enum Source { EVENT, NONE, TOKEN, HEADER }

    /** The key, or null (no key, the token does not exist in this subject, or the header is absent). */
    byte[] keyFor(String subject, Event event) {
        switch (source) {
            case EVENT -> {
                return event.keyBytes();
            }
            case TOKEN -> {
                String[] tokens = Subjects.tokens(subject);
                return token >= 1 && token <= tokens.length ? tokens[token - 1].getBytes(StandardCharsets.UTF_8) : null;
            }
            case HEADER -> {
                return event.headerBytes(header);
            }
            default -> {
                return null;
            }
        }
    }
}
