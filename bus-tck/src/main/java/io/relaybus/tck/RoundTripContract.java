package io.relaybus.tck;

import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.PublishReceipt;
import io.relaybus.api.SubscribeOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Round trip: an event arrives with its id, payload bytes, key and headers unchanged, and only on its own topic.
 * Composed into {@link TransportCompatibilityKit} as {@code RoundTrip}.
 */
@DisplayName("Round trip")
@Tag("tck-round-trip")
public abstract class RoundTripContract extends KitContract {

    @Test
    @DisplayName("keeps id, payload, key and headers; topics are isolated")
    void keepsEverythingAndIsolatesTopics() {
        EventBus bus = openBus();
        String topicA = uniqueName("tck-roundtrip-a");
        String topicB = uniqueName("tck-roundtrip-b");
        Received a = new Received();
        Received b = new Received();
        subscribeReady(bus, SubscribeOptions.builder(topicA).build(), a::add);
        subscribeReady(bus, SubscribeOptions.builder(topicB).build(), b::add);

        byte[] payload = new byte[1024];
        ThreadLocalRandom.current().nextBytes(payload);
        Event sent = Event.builder(topicA).key("order-42").header("content-type", "application/octet-stream")
                .header("tenant", "acme").payload(payload).build();
        PublishReceipt receipt = publishSync(bus, sent);
        Event other = Event.of(topicB, "k", "for b only");
        publishSync(bus, other);

        assertEquals(sent.id(), receipt.eventId());
        assertEquals(topicA, receipt.topic());
        Received.await(timeout(), "both topics received their event", () -> a.total() >= 1 && b.total() >= 1);
        Event got = a.events().get(0);
        assertEquals(sent.id(), got.id());
        assertEquals(topicA, got.topic());
        assertEquals("order-42", got.key().orElse(null));
        assertEquals(sent.headers(), onlyUserHeaders(got.headers(), sent.headers()));
        assertTrue(Arrays.equals(payload, got.payload()), "payload bytes differ");
        assertEquals(Set.of(sent.id()), a.ids(), "topic A received only its own event");
        assertEquals(Set.of(other.id()), b.ids(), "topic B received only its own event");
    }

    private Map<String, String> onlyUserHeaders(Map<String, String> received, Map<String, String> sent) {
        Map<String, String> m = new LinkedHashMap<>();
        sent.keySet().forEach(k -> {
            if (received.containsKey(k)) {
                m.put(k, received.get(k));
            }
        });
        return m;
    }
}
