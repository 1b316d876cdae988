package io.relaybus.tck;

import io.relaybus.api.SubscribeOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Consumer groups: two groups each receive every event; within one group each event is handled once. Needs {@link
 * Features#consumerGroups()}. Composed into {@link TransportCompatibilityKit} as {@code ConsumerGroups}.
 */
@DisplayName("Consumer groups")
@Tag("tck-consumer-groups")
public abstract class ConsumerGroupsContract extends KitContract {

    @Test
    @DisplayName("two groups each receive every event; within one group each event once")
    void twoGroupsEachSeeEverything() throws Exception {
        assumeTrue(features().consumerGroups(), "transport declares no consumer groups");
        String topic = uniqueName("tck-groups");
        Received groupA = new Received();
        Received groupB = new Received();
        String a = uniqueName("a");
        String b = uniqueName("b");
        subscribeReady(openBus(), SubscribeOptions.builder(topic).group(a).build(), groupA::add);
        subscribeReady(openBus(), SubscribeOptions.builder(topic).group(a).build(), groupA::add);
        subscribeReady(openBus(), SubscribeOptions.builder(topic).group(b).build(), groupB::add);

        List<String> ids = publishConcurrently(openBus(), topic, 2, 100);

        awaitAll(groupA, ids, "group A received every event");
        awaitAll(groupB, ids, "group B received every event");
        assertEquals(0, groupA.duplicates(), "group A handled events twice");
        assertEquals(0, groupB.duplicates(), "group B handled events twice");
    }
}
