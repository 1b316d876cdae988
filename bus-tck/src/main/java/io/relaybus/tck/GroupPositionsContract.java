package io.relaybus.tck;

import io.relaybus.api.EventBus;
import io.relaybus.api.StartPosition;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Group positions: a new member of an existing group resumes where the group left off (needs {@link
 * Features#consumerGroups()} and {@link Features#persistence()}); a new group can start from the earliest event (needs
 * {@link Features#replayForNewGroups()}). Composed into {@link TransportCompatibilityKit} as {@code GroupPositions}.
 */
@DisplayName("Group positions")
@Tag("tck-group-positions")
public abstract class GroupPositionsContract extends KitContract {

    @Test
    @DisplayName("a new member of an existing group resumes where the group left off")
    void newMemberResumes() {
        assumeTrue(features().consumerGroups() && features().persistence(),
                "transport declares no persistent consumer groups");
        String topic = uniqueName("tck-resume");
        String group = uniqueName("g");
        EventBus pub = openBus();
        Received first = new Received();
        EventBus firstBus = openBus();
        Subscription s1 = subscribeReady(firstBus, SubscribeOptions.builder(topic).group(group).build(), first::add);
        List<String> before = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            before.add(publishSync(pub, event(topic, "k", i)).eventId());
        }
        awaitAll(first, before, "the first member handled the first 50 events");
        s1.close();

        List<String> after = new ArrayList<>();
        for (int i = 50; i < 100; i++) {
            after.add(publishSync(pub, event(topic, "k", i)).eventId());
        }
        Received second = receiving(openBus(), SubscribeOptions.builder(topic).group(group)
                .startFrom(StartPosition.LATEST).build());
        awaitAll(second, after, "the new member received the 50 events published while the group was away");
        int repeated = (int) second.ids().stream().filter(before::contains).count();
        assertEquals(0, repeated, "events the group had already handled were delivered again");
    }

    @Test
    @DisplayName("a new group can start from the earliest event")
    void newGroupFromEarliest() {
        assumeTrue(features().replayForNewGroups(), "transport declares no replay for new groups");
        String topic = uniqueName("tck-earliest");
        EventBus bus = openBus();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(publishSync(bus, event(topic, "k" + i, i)).eventId());
        }
        Received received = receiving(bus, SubscribeOptions.builder(topic).group(uniqueName("g"))
                .startFrom(StartPosition.EARLIEST).build());
        awaitAll(received, ids, "the new group received all 20 earlier events");
    }
}
