package io.relaybus.nats;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.relaybus.api.BusConfigException;
import io.relaybus.api.BusException;
import io.relaybus.api.BusFatalException;
import io.relaybus.api.BusHealth;
import io.relaybus.api.BusRetriableException;
import io.relaybus.api.EventBus;
import io.relaybus.embedded.TestBrokers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;

import static io.relaybus.nats.NatsTestSupport.closedPort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Opening a bus: bounded failures with messages that say what to check, and secrets kept out of them. */
@Tag("broker")
class NatsConnectionTest {

    private static Map<String, Object> config(Object... keyValues) {
        return NatsTestSupport.natsBus(keyValues);
    }

    @Test
    @DisplayName("no server listening: opening fails at once, retriable, naming the server but not the password")
    void refusedConnection() throws Exception {
        int port = closedPort();
        long start = System.nanoTime();
        BusRetriableException e = assertThrows(BusRetriableException.class, () -> EventBus.open(config(
                "nats.servers", "nats://alice:s3cret@127.0.0.1:" + port, "nats.connect.timeout.ms", "2000")));
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(20)) < 0);
        assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
        assertFalse(String.valueOf(e.getCause()).contains("s3cret"), String.valueOf(e.getCause()));
    }

    @Test
    @DisplayName("a server that never answers: opening fails within the connect timeout")
    void silentServerTimesOut() throws Exception {
        // Accepts TCP connections but never sends INFO, like a hung server or a black-holing proxy.
        try (ServerSocket silent = new ServerSocket()) {
            silent.bind(new InetSocketAddress("127.0.0.1", 0));
            long start = System.nanoTime();
            BusRetriableException e = assertThrows(BusRetriableException.class, () -> EventBus.open(config(
                    "nats.servers", "nats://127.0.0.1:" + silent.getLocalPort(), "nats.connect.timeout.ms", "1500",
                    "nats.token", "tok-hunter2")));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(Duration.ofSeconds(15)) < 0, "took " + took);
            assertTrue(e.getMessage().contains("127.0.0.1:" + silent.getLocalPort()), e.getMessage());
            assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        }
    }

    @Test
    @DisplayName("invalid settings are reported together, secrets shown as [hidden]")
    void invalidSettingsTogether() throws Exception {
        BusConfigException e = assertThrows(BusConfigException.class, () -> EventBus.open(config(
                "nats.servers", TestBrokers.nats().address(), "nats.stream.storage", "disk",
                "nats.publish.window", "0", "nats.stream.name", "a.{topic}")));
        String m = e.getMessage();
        assertTrue(m.contains("Invalid value disk for configuration nats.stream.storage: must be one of file, memory"),
                m);
        assertTrue(m.contains("Invalid value 0 for configuration nats.publish.window"), m);
        assertTrue(m.contains("Invalid value a.{topic} for configuration nats.stream.name"), m);
        assertEquals(3, e.problems().size(), m);

        // Rules spanning keys (TransportProvider.validate) are checked even when a key is invalid on its own, and
        // reported all at once, together with the bus.* problems.
        String seed = new String(io.nats.client.NKey.createUser(null).getSeed());
        e = assertThrows(BusConfigException.class, () -> EventBus.open(config(
                "nats.servers", TestBrokers.nats().address(), "nats.user", "bob", "nats.nkey.seed", seed,
                "nats.stream.name", "a.{topic}", "bus.dispatch.queue.capacity", "0")));
        m = e.getMessage();
        assertEquals(4, e.problems().size(), m);
        assertTrue(m.contains("Missing value for configuration nats.password"), m);
        assertTrue(m.contains("Invalid value a.{topic} for configuration nats.stream.name"), m);
        assertTrue(m.contains("set one way of authenticating"), m);
        assertTrue(m.contains("configuration bus.dispatch.queue.capacity"), m);
        assertFalse(m.contains(seed), m);
    }

    @Test
    @DisplayName("a server without JetStream: opening fails, fatal, saying to enable it or use core mode")
    void jetStreamDisabled() throws Exception {
        try (PlainNatsServer server = PlainNatsServer.start()) {
            BusFatalException e = assertThrows(BusFatalException.class,
                    () -> EventBus.open(config("nats.servers", server.url())));
            assertTrue(e.getMessage().contains("-js") && e.getMessage().contains("nats.mode=core"), e.getMessage());
            try (EventBus core = EventBus.open(config("nats.servers", server.url(), "nats.mode", "core"))) {
                assertEquals(BusHealth.Status.UP, core.health().status());
            }
        }
    }

    @Test
    @DisplayName("token and user/password reach the server; refused credentials are fatal and never shown")
    void credentialsPassedThroughAndHidden() throws Exception {
        try (PlainNatsServer server = PlainNatsServer.start("--auth", "tok-s3cret")) {
            try (EventBus ok = EventBus.open(config("nats.servers", server.url(), "nats.mode", "core",
                    "nats.token", "tok-s3cret"))) {
                assertEquals(BusHealth.Status.UP, ok.health().status());
            }
            BusFatalException e = assertThrows(BusFatalException.class, () -> EventBus.open(config(
                    "nats.servers", server.url(), "nats.mode", "core", "nats.token", "wrong-s3cret")));
            assertTrue(e.getMessage().contains("refused the credentials"), e.getMessage());
            assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
        }
        try (PlainNatsServer server = PlainNatsServer.start("--user", "bob", "--pass", "pw-s3cret")) {
            try (EventBus ok = EventBus.open(config("nats.servers", server.url(), "nats.mode", "core",
                    "nats.user", "bob", "nats.password", "pw-s3cret"))) {
                assertEquals(BusHealth.Status.UP, ok.health().status());
            }
            BusFatalException e = assertThrows(BusFatalException.class, () -> EventBus.open(config(
                    "nats.servers", server.url(), "nats.mode", "core", "nats.user", "bob",
                    "nats.password", "bad-s3cret")));
            assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
        }
    }

    @Test
    @DisplayName("s2 stream compression on a server older than 2.10 fails clearly instead of being ignored")
    void compressionNeedsNewerServer() throws Exception {
        String url = TestBrokers.nats().address();
        Connection c = Nats.connect(url);
        try {
            assumeTrue(c.getServerInfo().isOlderThanVersion("2.10.0"), "server is 2.10 or newer");
        } finally {
            c.close();
        }
        BusException e = assertThrows(BusFatalException.class, () -> EventBus.open(config("nats.servers", url,
                "nats.stream.compression", "s2")));
        assertTrue(e.getMessage().contains("needs nats-server 2.10"), e.getMessage());
    }
}
