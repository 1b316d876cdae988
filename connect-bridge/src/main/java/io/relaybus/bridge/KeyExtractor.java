package io.relaybus.bridge;

import io.nats.client.impl.Headers;

/**
 * Chooses the Kafka record key of a NATS message: none, one token of its real subject (1-based), or the first value
 * of a header. Immutable and thread safe.
 */
final class KeyExtractor {

    enum Source { NONE, TOKEN, HEADER }

    private final Source source;
    private final int token;
    private final String header;

    KeyExtractor(Source source, int token, String header) {
        this.source = source;
        this.token = token;
        this.header = header;
    }

    /** The key, or null (no key, the token does not exist in this subject, or the header is absent). */
    String keyFor(String subject, Headers headers) {
        switch (source) {
            case TOKEN -> {
                String[] tokens = Subjects.tokens(subject);
                return token >= 1 && token <= tokens.length ? tokens[token - 1] : null;
            }
            case HEADER -> {
                return headers == null ? null : headers.getFirst(header);
            }
            default -> {
                return null;
            }
        }
    }
}
