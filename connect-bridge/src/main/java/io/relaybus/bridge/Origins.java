package io.relaybus.bridge;

import java.util.Set;

/**
 * Loop prevention for two-way deployments. Every record or message the bridge writes carries the header
 * {@value #HEADER}{@code =<bridge.id>} of the connector that wrote it; a connector skips what carries an id listed
 * in its {@code bridge.origin.skip}. The source connector skips (and acks) NATS messages written by its peer sink;
 * the sink skips Kafka records written by its peer source. Messages from anyone else pass, so two sites can bridge
 * the same topic/subject both ways without echoing.
 */
final class Origins {

    static final String HEADER = "relaybus-bridge-origin";

    private final String ownId;
    private final Set<String> skip;

    Origins(String ownId, Set<String> skip) {
        this.ownId = ownId;
        this.skip = Set.copyOf(skip);
    }

    String ownId() {
        return ownId;
    }

    /** True if a message whose origin header is {@code origin} (may be null) must not be forwarded. */
    boolean skip(String origin) {
        return origin != null && skip.contains(origin);
    }
}
