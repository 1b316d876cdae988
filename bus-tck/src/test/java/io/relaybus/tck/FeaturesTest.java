package io.relaybus.tck;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a transport's test class declares: each feature by name, compared and shown as a whole. */
class FeaturesTest {

    /** A feature as a transport declares it: its name, the builder setter that turns it on, and its accessor. */
    private record Feature(String name, UnaryOperator<Features.Builder> turnOn, Predicate<Features> isOn) {
    }

    /** Every feature, in the order {@link Features#toString()} shows them. */
    private static final List<Feature> FEATURES = List.of(
            new Feature("consumerGroups", b -> b.consumerGroups(true), Features::consumerGroups),
            new Feature("perKeyOrder", b -> b.perKeyOrder(true), Features::perKeyOrder),
            new Feature("persistence", b -> b.persistence(true), Features::persistence),
            new Feature("replayForNewGroups", b -> b.replayForNewGroups(true), Features::replayForNewGroups),
            new Feature("brokerRestart", b -> b.brokerRestart(true), Features::brokerRestart),
            new Feature("atLeastOnce", b -> b.atLeastOnce(true), Features::atLeastOnce));

    @Test
    @DisplayName("each builder setter turns on its own accessor and no other")
    void eachSetterItsOwnAccessor() {
        assertEquals("Features[consumerGroups=false, perKeyOrder=false, persistence=false, replayForNewGroups=false, "
                + "brokerRestart=false, atLeastOnce=false]", Features.builder().build().toString());
        for (Feature feature : FEATURES) {
            Features one = feature.turnOn().apply(Features.builder()).build();
            for (Feature other : FEATURES) {
                assertEquals(other == feature, other.isOn().test(one), feature.name() + " set, " + other.name()
                        + " read");
            }
            assertEquals(FEATURES.stream().map(f -> f.name() + "=" + (f == feature))
                    .collect(Collectors.joining(", ", "Features[", "]")), one.toString());
        }
    }

    @Test
    @DisplayName("all() turns everything on; toBuilder() and withBrokerRestart() start from what is declared")
    void allToBuilderAndWithBrokerRestart() {
        Features all = Features.all();
        assertEquals("Features[consumerGroups=true, perKeyOrder=true, persistence=true, replayForNewGroups=true, "
                + "brokerRestart=true, atLeastOnce=true]", all.toString());
        assertEquals(all, all.toBuilder().build());
        assertEquals(all.hashCode(), all.toBuilder().build().hashCode());

        Features noRestart = all.withBrokerRestart(false);
        assertFalse(noRestart.brokerRestart());
        assertTrue(noRestart.consumerGroups() && noRestart.perKeyOrder() && noRestart.persistence()
                && noRestart.replayForNewGroups() && noRestart.atLeastOnce());
        assertNotEquals(all, noRestart);
        assertEquals(all, noRestart.withBrokerRestart(true));
        assertEquals(noRestart, all.toBuilder().brokerRestart(false).build());

        Features.Builder builder = Features.builder().persistence(true);
        Features before = builder.build();
        builder.persistence(false);
        assertTrue(before.persistence(), "a built Features does not change with its builder");
    }
}
