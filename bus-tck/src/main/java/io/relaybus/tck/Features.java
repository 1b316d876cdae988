package io.relaybus.tck;

/**
 * What a transport can do, declared by its {@link TransportCompatibilityKit} subclass. Contracts that need a feature
 * the transport lacks are skipped with the reason, never silently passed.
 *
 * @param consumerGroups      members of a group share events; two groups each see every event
 * @param perKeyOrder         events with one key reach a subscriber in publish order
 * @param persistence         events outlive the subscriber: a group that closed and comes back resumes where it left off
 * @param replayForNewGroups  a new group can start from the earliest retained event
 * @param brokerRestart       the fixture can stop and start the broker ({@link TransportCompatibilityKit#restartBroker})
 *                            and the transport loses no acknowledged event across it
 * @param atLeastOnce         an event whose publish completed is delivered even if its subscriber was busy or slow
 *                            (false for at-most-once modes such as core NATS)
 */
public record Features(boolean consumerGroups, boolean perKeyOrder, boolean persistence, boolean replayForNewGroups,
                       boolean brokerRestart, boolean atLeastOnce) {

    /** Everything on. */
    public static Features all() {
        return new Features(true, true, true, true, true, true);
    }

    public Features withBrokerRestart(boolean on) {
        return new Features(consumerGroups, perKeyOrder, persistence, replayForNewGroups, on, atLeastOnce);
    }
}
