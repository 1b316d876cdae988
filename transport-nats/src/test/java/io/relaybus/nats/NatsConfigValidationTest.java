package io.relaybus.nats;

import io.nats.client.NKey;
import io.relaybus.api.BusConfigException;
import io.relaybus.api.BusException;
import io.relaybus.api.EventBus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.relaybus.nats.NatsTestSupport.closedPort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Authentication and server settings that cannot work are configuration errors naming the key and what is allowed,
 * reported with every other problem at once, and never showing a secret.
 */
class NatsConfigValidationTest {

    @TempDir
    Path dir;

    private static Map<String, Object> config(Object... keyValues) {
        return NatsTestSupport.natsBus(keyValues);
    }

    /** Opening a bus with {@code keyValues} fails its configuration check; returns that error. */
    private static BusConfigException invalid(Object... keyValues) {
        return assertThrows(BusConfigException.class, () -> EventBus.open(config(keyValues)));
    }

    private static String userSeed() throws Exception {
        return new String(NKey.createUser(null).getSeed());
    }

    private Path creds(String seed) throws IOException {
        Path file = Files.createTempFile(dir, "user", ".creds");
        Files.writeString(file, "-----BEGIN NATS USER JWT-----\neyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5In0.eyJqdGkiOiJ4In0.c2ln\n"
                + "------END NATS USER JWT------\n\n************************* IMPORTANT *************************\n"
                + "NKEY Seed printed below can be used to sign and prove identity.\n\n"
                + "-----BEGIN USER NKEY SEED-----\n" + seed + "\n------END USER NKEY SEED------\n\n"
                + "*************************************************************\n");
        return file;
    }

    @Test
    @DisplayName("a malformed nkey seed: configuration error naming the key and what is allowed, never the value")
    void malformedSeed() throws Exception {
        String good = userSeed();
        // A typo in the last characters breaks the checksum; jnats said only "CRC is invalid" when connecting.
        String typo = good.substring(0, good.length() - 3) + (good.endsWith("AAA") ? "BBB" : "AAA");
        String account = new String(NKey.createAccount(null).getSeed());
        for (String seed : new String[] {typo, "S", "SUsecretbutbroken", account}) {
            BusConfigException e = invalid("nats.servers", "nats://127.0.0.1:" + closedPort(), "nats.nkey.seed", seed);
            assertEquals(1, e.problems().size(), e.getMessage());
            BusConfigException.Problem p = e.problems().get(0);
            assertEquals("nats.nkey.seed", p.key());
            assertEquals("[hidden]", p.value());
            assertTrue(p.reason().contains("SU") && p.reason().contains("nats.creds.file"), p.reason());
            assertFalse(seed.length() > 2 && e.getMessage().contains(seed), e.getMessage());
            assertFalse(e.getMessage().contains("CRC"), e.getMessage());
        }
    }

    @Test
    @DisplayName("a malformed seed is reported together with the other problems, bus.* keys included")
    void seedReportedWithOtherProblems() {
        BusConfigException e = invalid(
                "nats.servers", "nats://127.0.0.1:4222", "nats.nkey.seed", "SUAbroken-secret",
                "nats.publish.window", "0", "bus.dispatch.queue.capacity", "-1");
        String m = e.getMessage();
        assertEquals(3, e.problems().size(), m);
        assertTrue(m.contains("configuration nats.nkey.seed"), m);
        assertTrue(m.contains("configuration nats.publish.window"), m);
        assertTrue(m.contains("configuration bus.dispatch.queue.capacity"), m);
        assertFalse(m.contains("broken-secret"), m);
    }

    @Test
    @DisplayName("a seed with surrounding whitespace (pasted from a file) is accepted")
    void seedIsTrimmed() throws Exception {
        String seed = userSeed();
        NatsConfig config = new NatsConfig(NatsConfig.DEFINITION.parse(Map.of("nats.nkey.seed", " " + seed + "\n")));
        assertEquals(seed, config.nkeySeed());
    }

    @Test
    @DisplayName("creds file missing, not a file, or without a user JWT and seed: configuration error naming the path")
    void badCredsFile() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.creds"), "hunter2-not-a-creds-file");
        Path badSeed = creds("SUAhunter2brokenseed");
        for (Path creds : new Path[] {dir.resolve("missing.creds"), dir, garbage, badSeed}) {
            BusConfigException e = invalid(
                    "nats.servers", "nats://127.0.0.1:" + closedPort(), "nats.creds.file", creds.toString(),
                    "nats.publish.window", "0");
            assertEquals(2, e.problems().size(), e.getMessage());
            BusConfigException.Problem p = e.problems().stream().filter(x -> x.key().equals("nats.creds.file"))
                    .findFirst().orElseThrow(() -> new AssertionError(e.getMessage()));
            assertEquals(creds.toString(), p.value());
            assertTrue(p.reason().contains(".creds"), p.reason());
            assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        }
        // A well-formed file passes validation (the server is not reachable: a retriable error, not a config one).
        Path good = creds(userSeed());
        BusException e = assertThrows(BusException.class, () -> EventBus.open(config(
                "nats.servers", "nats://127.0.0.1:" + closedPort(), "nats.creds.file", good.toString(),
                "nats.connect.timeout.ms", "1000")));
        assertFalse(e instanceof BusConfigException, e.getMessage());
    }

    @Test
    @DisplayName("a token with control characters is refused without showing it")
    void tokenWithControlCharacters() {
        BusConfigException e = invalid("nats.servers", "nats://127.0.0.1:4222", "nats.token", "tok-s3cret\r\nPUB x 1");
        assertEquals("nats.token", e.problems().get(0).key());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }

    @Test
    @DisplayName("a server URL that does not parse: configuration error showing it without its user information")
    void malformedServerUrl() throws Exception {
        for (String url : new String[] {"nats://alice:s3 cret@127.0.0.1:4222", "nats://alice:s3cret@127.0.0.1:port",
                "nats://alice:s3%cret@127.0.0.1:4222", "ftp://alice:s3cret@127.0.0.1:4222"}) {
            BusConfigException e = invalid("nats.servers", "nats://127.0.0.1:4222," + url);
            assertEquals(1, e.problems().size(), e.getMessage());
            assertEquals("nats.servers", e.problems().get(0).key());
            assertTrue(e.getMessage().contains("nats://host:4222"), e.getMessage());
            assertTrue(e.getMessage().contains("[hidden]@127.0.0.1"), e.getMessage());
            assertFalse(e.getMessage().contains("s3"), e.getMessage());
        }
    }

    @Test
    @DisplayName("an unreachable server whose URL holds a password with / or @: the message shows neither")
    void unreachableUrlWithOddPassword() throws Exception {
        int port = closedPort();
        for (String password : new String[] {"s3/cret", "s3@cret", "s3]cret"}) {
            BusException e = assertThrows(BusException.class, () -> EventBus.open(config(
                    "nats.servers", "nats://alice:" + password + "@127.0.0.1:" + port,
                    "nats.connect.timeout.ms", "1000")));
            assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
            for (Throwable t = e; t != null; t = t.getCause()) {
                assertFalse(String.valueOf(t.getMessage()).contains("cret"), t.toString());
            }
        }
    }
}
