package io.relaybus.embedded;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A real nats-server: INFO line over plain TCP, a JetStream stream survives stop/restart and kill/restart. */
@Tag("broker")
class EmbeddedNatsTest {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void portAndJetStreamStoreSurviveRestarts() throws Exception {
        EmbeddedNats closed = Lifecycle.startStepsClose("nats", EmbeddedNats::start, EmbeddedNats::url, nats -> {
            assertTrue(nats.url().startsWith("nats://127.0.0.1:"));
            assertTrue(nats.port() != 4222);
            String info = infoLine(nats.port());
            assertTrue(info.startsWith("INFO {"), info);
            assertTrue(info.contains("\"jetstream\":true"), info);

            String created = request(nats.port(), "$JS.API.STREAM.CREATE.ORDERS",
                    "{\"name\":\"ORDERS\",\"subjects\":[\"orders.>\"],\"storage\":\"file\"}");
            assertTrue(created.contains("\"name\":\"ORDERS\""), created);

            Lifecycle.stopAndRestart("nats", nats, nats.port());
            assertTrue(infoLine(nats.port()).startsWith("INFO {"));
            assertTrue(request(nats.port(), "$JS.API.STREAM.INFO.ORDERS", "").contains("\"name\":\"ORDERS\""),
                    "the JetStream store survives a graceful restart");

            Lifecycle.killAndRestart("nats", nats);
            assertTrue(request(nats.port(), "$JS.API.STREAM.INFO.ORDERS", "").contains("\"name\":\"ORDERS\""),
                    "the JetStream store survives a crash");
            assertTrue(Files.readString(nats.logFile()).contains("Server is ready"));
        });
        assertThrows(IllegalStateException.class, closed::restart);
    }

    @Test
    void missingBinaryFailsClearly() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> EmbeddedNats.builder().binary(Path.of("/nonexistent/nats-server")).start());
        assertTrue(e.getMessage().contains("/nonexistent/nats-server"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install nats-server"), e.getMessage());
        assertTrue(e.getMessage().contains(EmbeddedNats.BINARY_ENV), e.getMessage());
    }

    /** Connects with plain TCP and returns the first line the server sends. */
    static String infoLine(int port) throws IOException {
        try (Socket socket = new Socket(ProcessSupport.loopback(), port)) {
            socket.setSoTimeout(5000);
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
        }
    }

    /** A minimal NATS request/reply over the text protocol; returns the reply payload. */
    static String request(int port, String subject, String payload) throws IOException {
        try (Socket socket = new Socket(ProcessSupport.loopback(), port)) {
            socket.setSoTimeout(5000);
            BufferedReader in = new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();
            in.readLine(); // INFO
            byte[] body = payload.getBytes(StandardCharsets.UTF_8);
            String frame = "CONNECT {\"verbose\":false,\"pedantic\":false}\r\n"
                    + "SUB _INBOX.test 1\r\n"
                    + "PUB " + subject + " _INBOX.test " + body.length + "\r\n" + payload + "\r\n"
                    + "PING\r\n";
            out.write(frame.getBytes(StandardCharsets.UTF_8));
            out.flush();
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("MSG ")) {
                    return in.readLine();
                }
                if (line.startsWith("-ERR")) {
                    throw new IOException(line);
                }
            }
            throw new IOException("connection closed without a reply");
        }
    }
}
