package io.relaybus.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class WireIdsTest {

    @Test
    void idsAreUniqueVersion4UuidsOfTheBusLength() {
        WireIds ids = new WireIds();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = ids.next();
            assertEquals(36, id.length(), id);
            UUID u = UUID.fromString(id);
            assertEquals(4, u.version(), id);
            assertEquals(2, u.variant(), id);
            seen.add(id);
        }
        assertEquals(10_000, seen.size());
        assertNotEquals(new WireIds().next(), new WireIds().next(), "each target draws its own prefix");
    }
}
