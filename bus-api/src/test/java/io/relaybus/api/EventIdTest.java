package io.relaybus.api;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

@DisplayName("Default event ids")
class EventIdTest {

    @Test
    @DisplayName("are distinct across threads and parse as version-4, IETF-variant UUIDs")
    void distinctVersion4Uuids() {
        Set<String> ids = ConcurrentHashMap.newKeySet();
        IntStream.range(0, 200_000).parallel().forEach(i -> ids.add(Event.of("t", new byte[0]).id()));
        assertEquals(200_000, ids.size(), "duplicate ids");
        UUID sample = UUID.fromString(ids.iterator().next());
        assertEquals(4, sample.version());
        assertEquals(2, sample.variant());
    }

    @Test
    @DisplayName("an id given by the publisher is kept")
    void givenIdKept() {
        assertEquals("order-42#1", Event.builder("t").id("order-42#1").build().id());
    }
}
