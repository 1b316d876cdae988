package io.relaybus.nats;

import io.relaybus.embedded.EmbeddedNats;
import io.relaybus.tck.Received;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A nats-server with arguments EmbeddedNats does not offer (no JetStream, authentication), for a single test.
 * Owned by the test that starts it; {@link #close()} stops it.
 */
final class PlainNatsServer implements AutoCloseable {

    private final Process process;
    private final int port;

    private PlainNatsServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts {@code nats-server -a 127.0.0.1 -p <free port> <args>} and waits until it accepts connections. */
    static PlainNatsServer start(String... args) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = Files.createTempFile("relaybus-plain-nats-", ".log");
        List<String> command = new ArrayList<>(List.of(EmbeddedNats.findBinary().toString(), "-a", "127.0.0.1",
                "-p", String.valueOf(port)));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PlainNatsServer server = new PlainNatsServer(p, port);
        try {
            Received.await(Duration.ofSeconds(20), "nats-server accepts connections on " + port, () -> {
                if (!p.isAlive()) {
                    throw new IllegalStateException("nats-server exited; see " + log);
                }
                try (Socket ignored = new Socket("127.0.0.1", port)) {
                    return true;
                } catch (IOException notYet) {
                    return false;
                }
            });
        } catch (RuntimeException | AssertionError e) {
            server.close();
            throw e;
        }
        return server;
    }

    String url() {
        return "nats://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
