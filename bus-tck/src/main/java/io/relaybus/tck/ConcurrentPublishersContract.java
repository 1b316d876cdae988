package io.relaybus.tck;

import io.relaybus.api.EventBus;
import io.relaybus.api.SubscribeOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Concurrent publishers: 20 publishing threads x 500 events into one group of three members (one subscriber where the
 * transport has no consumer groups): nothing is lost and, within the group, nothing is handled twice. Composed into
 * {@link TransportCompatibilityKit} as {@code ConcurrentPublishers}.
 */
@DisplayName("Concurrent publishers")
@Tag("tck-concurrent-publishers")
public abstract class ConcurrentPublishersContract extends KitContract {

    @Test
    @DisplayName("20 publishers x 500 events, 3 subscribers in one group: nothing lost, nothing handled twice")
    void nothingLostNothingTwice() throws Exception {
        String topic = uniqueName("tck-concurrent");
        String group = uniqueName("g");
        Received received = new Received();
        int members = features().consumerGroups() ? 3 : 1;
        for (int i = 0; i < members; i++) {
            EventBus sub = openBus();
            subscribeReady(sub, SubscribeOptions.builder(topic).group(features().consumerGroups() ? group : null)
                    .concurrency(4).build(), received::add);
        }
        EventBus pub = openBus();
        List<String> ids = publishConcurrently(pub, topic, 20, 500);

        awaitAll(received, ids, "every one of 10,000 events was handled");
        assertEquals(ids.size(), received.unique());
        assertEquals(0, received.duplicates(), "events handled twice within one group");
    }
}
