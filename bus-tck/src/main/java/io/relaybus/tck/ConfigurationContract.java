package io.relaybus.tck;

import io.relaybus.api.BusConfigException;
import io.relaybus.api.EventBus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Configuration: invalid configuration fails naming each key, its value ({@code [hidden]} for an unknown key, which
 * may be a misspelt secret) and what is allowed; an unknown transport name lists the transports found. Composed into
 * {@link TransportCompatibilityKit} as {@code Configuration}.
 */
@DisplayName("Configuration")
@Tag("tck-configuration")
public abstract class ConfigurationContract extends KitContract {

    @Test
    @DisplayName("invalid configuration fails with a message naming each key, its value (never an unknown key's) "
            + "and what is allowed")
    void invalidConfigNamesKeys() {
        String transport = String.valueOf(busConfig().get(EventBus.TRANSPORT_CONFIG));
        Map<String, Object> bad = new HashMap<>(busConfig());
        bad.put("bus.dispatch.queue.capacity", "-5");
        bad.put(transport + ".no.such.key", "s3cret-value");
        BusConfigException e = assertThrows(BusConfigException.class, () -> EventBus.open(bad));
        String message = e.getMessage();
        assertTrue(message.contains("Invalid value -5 for configuration bus.dispatch.queue.capacity: must be "
                + "between 1 and 1000000"), message);
        assertTrue(message.contains("Invalid value [hidden] for configuration " + transport + ".no.such.key: "
                + "unknown key"), message);
        assertFalse(message.contains("s3cret-value"), "an unknown key's value may be a misspelt secret: " + message);
        assertEquals(2, e.problems().size(), message);
    }

    @Test
    @DisplayName("an unknown transport name lists the transports found")
    void unknownTransportListsFound() {
        Map<String, Object> bad = new HashMap<>(busConfig());
        bad.put(EventBus.TRANSPORT_CONFIG, "no-such-transport");
        BusConfigException e = assertThrows(BusConfigException.class, () -> EventBus.open(bad));
        assertTrue(e.getMessage().startsWith("Invalid value no-such-transport for configuration bus.transport: "
                + "no such transport; transports found on the class path: "), e.getMessage());
        assertTrue(e.getMessage().contains(String.valueOf(busConfig().get(EventBus.TRANSPORT_CONFIG))),
                e.getMessage());
    }
}
