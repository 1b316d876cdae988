package io.relaybus.tck;

import java.util.Objects;

/**
 * What a transport can do, declared by its {@link TransportCompatibilityKit} subclass. Contracts that need a feature
 * the transport lacks are skipped with the reason, never silently passed; a contract that applies in part (for
 * example order but not completeness in an at-most-once mode) checks that part only.
 *
 * <p>Built by name, from {@link #builder()} (everything off) or from {@link #all()} with {@link #toBuilder()}:
 *
 * <pre>{@code
 * Features.builder().consumerGroups(true).perKeyOrder(true).build()   // core NATS: at most once, nothing stored
 * Features.all().toBuilder().brokerRestart(false).build()            // no way to restart the broker here
 * }</pre>
 *
 * <p>Immutable and thread safe.
 */
public final class Features {

    private final boolean consumerGroups;
    private final boolean perKeyOrder;
    private final boolean persistence;
    private final boolean replayForNewGroups;
    private final boolean brokerRestart;
    private final boolean atLeastOnce;

    private Features(Builder b) {
        this.consumerGroups = b.consumerGroups;
        this.perKeyOrder = b.perKeyOrder;
        this.persistence = b.persistence;
        this.replayForNewGroups = b.replayForNewGroups;
        this.brokerRestart = b.brokerRestart;
        this.atLeastOnce = b.atLeastOnce;
    }

    /** Everything on. */
    public static Features all() {
        return builder().consumerGroups(true).perKeyOrder(true).persistence(true).replayForNewGroups(true)
                .brokerRestart(true).atLeastOnce(true).build();
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

    /** These features with {@link #brokerRestart()} set to {@code on}. */
    public Features withBrokerRestart(boolean on) {
        return toBuilder().brokerRestart(on).build();
    }

    /** Members of a group share events; two groups each see every event. */
    public boolean consumerGroups() {
        return consumerGroups;
    }

    /** Events with one key reach a subscriber in publish order. */
    public boolean perKeyOrder() {
        return perKeyOrder;
    }

    /** Events outlive the subscriber: a group that closed and comes back resumes where it left off. */
    public boolean persistence() {
        return persistence;
    }

    /** A new group can start from the earliest retained event. */
    public boolean replayForNewGroups() {
        return replayForNewGroups;
    }

    /**
     * The fixture can restart the broker ({@link TransportCompatibilityKit#restartBroker}), or stand in for a restart
     * by reopening the same storage, and the transport loses no acknowledged event across it.
     */
    public boolean brokerRestart() {
        return brokerRestart;
    }

    /**
     * An event whose publish completed is delivered even if its subscriber was busy or slow (false for at-most-once
     * modes such as core NATS).
     */
    public boolean atLeastOnce() {
        return atLeastOnce;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Features f && f.consumerGroups == consumerGroups && f.perKeyOrder == perKeyOrder
                && f.persistence == persistence && f.replayForNewGroups == replayForNewGroups
                && f.brokerRestart == brokerRestart && f.atLeastOnce == atLeastOnce;
    }

    @Override
    public int hashCode() {
        return Objects.hash(consumerGroups, perKeyOrder, persistence, replayForNewGroups, brokerRestart,
                atLeastOnce);
    }

    @Override
    public String toString() {
        return "Features[consumerGroups=" + consumerGroups + ", perKeyOrder=" + perKeyOrder + ", persistence="
                + persistence + ", replayForNewGroups=" + replayForNewGroups + ", brokerRestart=" + brokerRestart
                + ", atLeastOnce=" + atLeastOnce + "]";
    }

    /** Builds {@link Features} by name; each setter means what the accessor of that name means. Not thread safe. */
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
            return new Features(this);
        }
    }
}
