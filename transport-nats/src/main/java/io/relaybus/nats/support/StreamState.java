package io.relaybus.nats.support;

import java.time.Instant;

/**
 * A JetStream stream's identity and bounds at one moment.
 *
 * @param name          the stream's name
 * @param created       when the stream was created; a stream deleted and created again under the same name has a
 *                      later time, and its sequences start over
 * @param firstSequence the lowest stream sequence still stored (last + 1 when the stream is empty)
 * @param lastSequence  the highest stream sequence assigned so far, 0 for a stream that never stored anything
 */
public record StreamState(String name, Instant created, long firstSequence, long lastSequence) {
}
