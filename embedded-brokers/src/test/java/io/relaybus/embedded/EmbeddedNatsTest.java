package io.relaybus.embedded;

import static org.junit.jupiter.api.Assertions.assertFalse;
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
    @SuppressWarnings("try") // close() is also called explicitly, to check the temp dir is deleted
    void portAndJetStreamStoreSurviveRestarts() throws Exception {
        long t0 = System.nanoTime();
        try (EmbeddedNats nats = EmbeddedNats.start()) {
            System.out.printf("nats start: %d ms (%s)%n", ms(t0), nats.url());
            assertTrue(nats.url().startsWith("nats://127.0.0.1:"));
            assertTrue(nats.port() != 4222);
            String info = infoLine(nats.port());
            assertTrue(info.startsWith("INFO {"), info);
            assertTrue(info.contains("\"jetstream\":true"), info);

            String created = request(nats.port(), "$JS.API.STREAM.CREATE.ORDERS",
                    "{\"name\":\"ORDERS\",\"subjects\":[\"orders.>\"],\"storage\":\"file\"}");
            assertTrue(created.contains("\"name\":\"ORDERS\""), created);

            long t1 = System.nanoTime();
            nats.stop();
            System.out.printf("nats stop: %d ms%n", ms(t1));
            assertFalse(nats.isRunning());
            assertFalse(ProcessSupport.accepts(nats.port()));

            long t2 = System.nanoTime();
            nats.restart();
            System.out.printf("nats restart after stop: %d ms%n", ms(t2));
            assertTrue(infoLine(nats.port()).startsWith("INFO {"));
            assertTrue(request(nats.port(), "$JS.API.STREAM.INFO.ORDERS", "").contains("\"name\":\"ORDERS\""),
                    "the JetStream store survives a graceful restart");

            long t3 = System.nanoTime();
            nats.kill();
            nats.restart();
            System.out.printf("nats kill + restart: %d ms%n", ms(t3));
            assertTrue(request(nats.port(), "$JS.API.STREAM.INFO.ORDERS", "").contains("\"name\":\"ORDERS\""),
                    "the JetStream store survives a crash");
            assertTrue(Files.readString(nats.logFile()).contains("Server is ready"));

            nats.close();
            assertFalse(Files.exists(nats.directory()), "close deletes the temp dir");
            assertThrows(IllegalStateException.class, nats::restart);
        }
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

    private static long ms(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
