package io.relaybus.nats;

import io.relaybus.api.BusException;
import io.relaybus.api.BusHealth;
import io.relaybus.api.EventBus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** TLS settings reach jnats: a server with a self-signed certificate is trusted only through the trust store. */
@Tag("broker")
class NatsTlsTest {

    @Test
    @DisplayName("tls:// with the trust store connects; without it the handshake fails, the password never shown")
    void trustStore() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is needed to make a certificate");
        Path dir = Files.createTempDirectory("relaybus-nats-tls");
        run(dir, "/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out",
                "cert.pem", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1");
        run(dir, Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-importcert", "-noprompt",
                "-alias", "nats", "-file", "cert.pem", "-keystore", "trust.p12", "-storetype", "PKCS12",
                "-storepass", "trust-s3cret");
        try (PlainNatsServer server = PlainNatsServer.start("--tls", "--tlscert", dir.resolve("cert.pem").toString(),
                "--tlskey", dir.resolve("key.pem").toString())) {
            String url = server.url().replace("nats://", "tls://");
            try (EventBus bus = EventBus.open(Map.of("bus.transport", "nats", "nats.mode", "core", "nats.servers", url,
                    "nats.tls.truststore.path", dir.resolve("trust.p12").toString(),
                    "nats.tls.truststore.password", "trust-s3cret"))) {
                assertEquals(BusHealth.Status.UP, bus.health().status());
            }
            BusException e = assertThrows(BusException.class, () -> EventBus.open(Map.of("bus.transport", "nats",
                    "nats.mode", "core", "nats.servers", url, "nats.connect.timeout.ms", "3000")));
            assertTrue(e.getMessage().contains(url.substring("tls://".length())), e.getMessage());
            assertFalse(e.getMessage().contains("trust-s3cret"), e.getMessage());
        }
    }

    private static void run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("tool.log").toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", command) + " failed: "
                + Files.readString(dir.resolve("tool.log")));
    }
}
