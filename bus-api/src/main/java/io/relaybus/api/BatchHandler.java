package io.relaybus.api;

import java.util.List;

/**
 * Handles events of a subscription in batches (bulk inserts, bulk HTTP calls); see
 * {@link EventBus#subscribeBatch(SubscribeOptions, BatchOptions, BatchHandler)}.
 *
 * <p>Returning normally acknowledges every event of the batch. Throwing a {@link BatchFailedException} that names
 * an event acknowledges the events before it; it and the events after it are handled again (as a smaller batch) after
 * the subscription's backoff, and once the named event used up the retry policy's attempts it alone goes to the
 * dead-letter topic and the rest carry on. Throwing anything else retries the whole batch; once its first event used
 * up the attempts, the batch's events are handled one at a time, so only the ones that still fail are dead-lettered.
 * Nothing is acknowledged before the handler succeeded for it or its dead letter was stored.
 *
 * <p>Ordering and threading as for {@link EventHandler}: a batch holds events of one worker, in the order they were
 * published per key; with {@code concurrency > 1} several batches are handled at once, never two holding the same
 * key. The list is the handler's to read, not to keep after returning.
 */
@FunctionalInterface
public interface BatchHandler {

    void handle(List<Event> events) throws Exception;
}
