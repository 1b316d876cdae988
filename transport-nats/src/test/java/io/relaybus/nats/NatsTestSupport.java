package io.relaybus.nats;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

/** Configuration maps and ports for the NATS transport's tests. */
final class NatsTestSupport {

    private NatsTestSupport() {
    }

    /** {@code base} with {@code key, value} pairs added (a later pair replaces an earlier value); a new mutable map. */
    static Map<String, Object> settings(Map<String, Object> base, Object... keyValues) {
        Map<String, Object> m = new HashMap<>(base);
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    /** Bus configuration: {@code bus.transport=nats} and the {@code key, value} pairs. */
    static Map<String, Object> natsBus(Object... keyValues) {
        return settings(Map.of("bus.transport", "nats"), keyValues);
    }

    /** A loopback port nothing listens on (it was free a moment ago). */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
