package io.relaybus.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.relaybus.embedded.EmbeddedKafka;
import io.relaybus.embedded.EmbeddedNats;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --transport bridge} against external brokers and a Connect worker that is not there: one line that says what
 * to check, without a stack trace and without the worker URL's password. Before, a ConnectException stack trace.
 */
@Tag("broker")
class BridgeConnectUrlTest {

    @Test
    void aConnectWorkerThatDoesNotAnswerSaysWhatToCheck(@TempDir Path dir) throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().heap("512m").start();
             EmbeddedNats nats = EmbeddedNats.start()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = BenchMain.run(new String[] {"--transport", "bridge", "--bootstrap", kafka.bootstrapServers(),
                    "--nats-url", nats.url(), "--connect-url", "http://admin:s3cr3t@127.0.0.1:" + closed,
                    "--duration", "1s", "--out", dir.toString()},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            String e = err.toString(StandardCharsets.UTF_8);
            assertEquals(1, code, e);
            assertTrue(e.contains("bus-bench failed: --connect-url http://[hidden]@127.0.0.1:" + closed + ": "), e);
            assertTrue(e.contains("check that a Connect worker's REST API answers there"), e);
            assertFalse(e.contains("\tat "), e);
            assertFalse((out.toString(StandardCharsets.UTF_8) + e).contains("s3cr3t"), e);
        }
    }
}
