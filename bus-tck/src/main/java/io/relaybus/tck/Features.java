package io.relaybus.tck;

/**
 * What a transport can do, declared by its {@link TransportCompatibilityKit} subclass. Contracts that need a feature
 * the transport lacks are skipped with the reason, never silently passed; a contract that applies in part (for
 * example order but not completeness in an at-most-once mode) checks that part only.
 *
 * <p>Build with {@link #builder()} (everything off) or from {@link #all()} with {@link #toBuilder()}:
 *
 * <pre>{@code
 * Features.all().toBuilder().persistence(false).replayForNewGroups(false).brokerRestart(false)
 *         .atLeastOnce(false).build()
 * }</pre>
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

    /** A builder with every feature off. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these features. */
    public Builder toBuilder() {
        return new Builder().consumerGroups(consumerGroups).perKeyOrder(perKeyOrder).persistence(persistence)
                .replayForNewGroups(replayForNewGroups).brokerRestart(brokerRestart).atLeastOnce(atLeastOnce);
    }

    public Features withBrokerRestart(boolean on) {
        return toBuilder().brokerRestart(on).build();
    }

    /** Builds {@link Features} by name; each setter means what the record component of that name means. Not thread safe. */
    public static final class Builder {
        private boolean consumerGroups;
        private boolean perKeyOrder;
        private boolean persistence;
        private boolean replayForNewGroups;
        private boolean brokerRestart;
        private boolean atLeastOnce;

        private Builder() {
        }

        public Builder consumerGroups(boolean on) {
            this.consumerGroups = on;
            return this;
        }

        public Builder perKeyOrder(boolean on) {
            this.perKeyOrder = on;
            return this;
        }

        public Builder persistence(boolean on) {
            this.persistence = on;
            return this;
        }

        public Builder replayForNewGroups(boolean on) {
            this.replayForNewGroups = on;
            return this;
        }

        public Builder brokerRestart(boolean on) {
            this.brokerRestart = on;
            return this;
        }

        public Builder atLeastOnce(boolean on) {
            this.atLeastOnce = on;
            return this;
        }

        public Features build() {
            return new Features(consumerGroups, perKeyOrder, persistence, replayForNewGroups, brokerRestart,
                    atLeastOnce);
        }
    }
}
