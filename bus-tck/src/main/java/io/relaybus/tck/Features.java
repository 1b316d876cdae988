package io.relaybus.tck;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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

    /** One feature, named as its accessor; each is documented there. */
    private enum Feature {
        CONSUMER_GROUPS("consumerGroups"),
        PER_KEY_ORDER("perKeyOrder"),
        PERSISTENCE("persistence"),
        REPLAY_FOR_NEW_GROUPS("replayForNewGroups"),
        BROKER_RESTART("brokerRestart"),
        AT_LEAST_ONCE("atLeastOnce");

        private final String accessor;

        Feature(String accessor) {
            this.accessor = accessor;
        }
    }

    /** The features that are on; never changed after construction. */
    private final Set<Feature> on;

    private Features(Builder b) {
        this.on = Collections.unmodifiableSet(EnumSet.copyOf(b.on));
    }

    /** Everything on. */
    public static Features all() {
        return new Builder(EnumSet.allOf(Feature.class)).build();
    }

    /** A builder with every feature off. */
    public static Builder builder() {
        return new Builder(EnumSet.noneOf(Feature.class));
    }

    /** A builder starting from these features. */
    public Builder toBuilder() {
        return new Builder(EnumSet.copyOf(on));
    }

    /** These features with {@link #brokerRestart()} set to {@code on}. */
    public Features withBrokerRestart(boolean on) {
        return toBuilder().brokerRestart(on).build();
    }

    /** Members of a group share events; two groups each see every event. */
    public boolean consumerGroups() {
        return on.contains(Feature.CONSUMER_GROUPS);
    }

    /** Events with one key reach a subscriber in publish order. */
    public boolean perKeyOrder() {
        return on.contains(Feature.PER_KEY_ORDER);
    }

    /** Events outlive the subscriber: a group that closed and comes back resumes where it left off. */
    public boolean persistence() {
        return on.contains(Feature.PERSISTENCE);
    }

    /** A new group can start from the earliest retained event. */
    public boolean replayForNewGroups() {
        return on.contains(Feature.REPLAY_FOR_NEW_GROUPS);
    }

    /**
     * The fixture can restart the broker ({@link TransportCompatibilityKit#restartBroker}), or stand in for a restart
     * by reopening the same storage, and the transport loses no acknowledged event across it.
     */
    public boolean brokerRestart() {
        return on.contains(Feature.BROKER_RESTART);
    }

    /**
     * An event whose publish completed is delivered even if its subscriber was busy or slow (false for at-most-once
     * modes such as core NATS).
     */
    public boolean atLeastOnce() {
        return on.contains(Feature.AT_LEAST_ONCE);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Features f && f.on.equals(on);
    }

    @Override
    public int hashCode() {
        return on.hashCode();
    }

    /** {@code Features[consumerGroups=true, perKeyOrder=false, ...]}, every feature in declaration order. */
    @Override
    public String toString() {
        return Stream.of(Feature.values()).map(f -> f.accessor + "=" + on.contains(f))
                .collect(Collectors.joining(", ", "Features[", "]"));
    }

    /** Builds {@link Features} by name; each setter means what the accessor of that name means. Not thread safe. */
    public static final class Builder {
        private final EnumSet<Feature> on;

        private Builder(EnumSet<Feature> on) {
            this.on = on;
        }

        public Builder consumerGroups(boolean on) {
            return set(Feature.CONSUMER_GROUPS, on);
        }

        public Builder perKeyOrder(boolean on) {
            return set(Feature.PER_KEY_ORDER, on);
        }

        public Builder persistence(boolean on) {
            return set(Feature.PERSISTENCE, on);
        }

        public Builder replayForNewGroups(boolean on) {
            return set(Feature.REPLAY_FOR_NEW_GROUPS, on);
        }

        public Builder brokerRestart(boolean on) {
            return set(Feature.BROKER_RESTART, on);
        }

        public Builder atLeastOnce(boolean on) {
            return set(Feature.AT_LEAST_ONCE, on);
        }

        public Features build() {
            return new Features(this);
        }

        private Builder set(Feature feature, boolean value) {
            if (value) {
                on.add(feature);
            } else {
                on.remove(feature);
            }
            return this;
        }
    }
}
