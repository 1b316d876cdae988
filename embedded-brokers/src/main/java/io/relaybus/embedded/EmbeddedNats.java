package io.relaybus.embedded;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A real {@code nats-server} with JetStream, run as a child process on a free loopback port, for tests and the
 * benchmark. No Docker, no jnats.
 *
 * <p><b>How it runs.</b> The binary is {@code $NATS_SERVER_BIN} if set, else {@code nats-server} from the
 * {@code PATH}, {@code /usr/sbin} or {@code /usr/bin} (Debian's {@code nats-server} package, 2.9.x). It runs as
 * {@code nats-server -a 127.0.0.1 -p <free port> -js -sd <temp dir>/jetstream-store --server_name <stable name>}
 * (exec'd by a {@code /bin/sh -c} wrapper, see below), without the monitoring port; the port is never 4222. Its stdout/stderr go to {@link #logFile()} in the temp
 * directory, never to the test output.
 *
 * <p><b>Readiness.</b> {@link #start()} and {@link #restart()} return once the log says {@code Server is ready}
 * and a TCP connection to the port receives the server's {@code INFO} line. Otherwise, after the start-up timeout
 * (20 s by default), or at once when the process exits, an {@link IllegalStateException} is thrown whose message
 * ends with the tail of the log.
 *
 * <p><b>Lifecycle and ownership.</b> The creator owns the instance and must {@link #close()} it (try-with-resources),
 * which stops the server and deletes the temp directory. {@link #stop()} (SIGTERM, then SIGKILL after 10 s) and
 * {@link #kill()} (SIGKILL) keep the port and the JetStream store; {@link #restart()} starts again on the same ones.
 * A JVM shutdown hook kills the server and deletes the temp directory if the JVM exits without {@code close()}.
 * If the JVM itself is killed, a small {@code /bin/sh} watcher started with the server notices that the JVM's end
 * of its standard input pipe was closed and stops the server (the temp directory is then left behind).
 *
 * <p><b>Threading.</b> Thread-safe: lifecycle methods are {@code synchronized}; {@link #url()} never changes.
 */
public final class EmbeddedNats extends EmbeddedBroker {

    /** Environment variable that overrides the {@code nats-server} binary. */
    public static final String BINARY_ENV = "NATS_SERVER_BIN";

    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final String INSTALL_HINT = "install Debian's nats-server (apt-get install nats-server) or set "
            + BINARY_ENV + " to the nats-server binary";
    private static final Path SH = Path.of("/bin/sh");
    /**
     * Runs {@code "$0" "$@"} (nats-server and its arguments) via {@code exec}, so the process we hold is
     * nats-server itself, after forking a watcher that waits for end of file on our stdin pipe (the parent JVM is
     * gone, even after SIGKILL) and then sends SIGTERM to nats-server. The pipe is duplicated to fd 3 because a
     * background list's stdin is {@code /dev/null}.
     */
    private static final String PARENT_WATCH_SCRIPT =
            "exec 3<&0; (cat <&3 >/dev/null 2>&1; kill -TERM $$ 2>/dev/null) & exec 3<&-; exec \"$0\" \"$@\"";

    private final Path binary;
    private final List<String> extraArgs;
    private final Duration startupTimeout;
    private final Path storeDir;
    private final int port;
    private final String serverName;
    /** The HTTP monitoring port ({@code -m}), or 0 when monitoring is off. */
    private final int monitorPort;
    /** Where the log stood when the current process was spawned: readiness is read from there on. */
    private long logStart;

    private EmbeddedNats(Builder builder) {
        this(builder, executable(builder.binary != null ? builder.binary : findBinary()));
    }

    private EmbeddedNats(Builder builder, Path binary) {
        this(builder, binary, ProcessSupport.createTempDir("relaybus-nats-"), true, ProcessSupport.freePort(), null,
                0, List.of());
    }

    /**
     * {@code serverName} null: {@code relaybus-embedded-<port>}. {@code monitorPort} 0: no monitoring.
     * {@code nodeArgs} come before the builder's extra arguments (a node of {@link EmbeddedNatsCluster}: its routes).
     */
    private EmbeddedNats(Builder builder, Path binary, Path dir, boolean ownsDirectory, int port, String serverName,
            int monitorPort, List<String> nodeArgs) {
        super(dir, ownsDirectory, dir.resolve("nats-server.log"), STOP_GRACE);
        this.binary = binary;
        List<String> args = new ArrayList<>(nodeArgs);
        args.addAll(builder.extraArgs);
        this.extraArgs = List.copyOf(args);
        this.startupTimeout = builder.startupTimeout;
        this.storeDir = dir.resolve("jetstream-store");
        this.port = port;
        this.serverName = serverName != null ? serverName : "relaybus-embedded-" + port;
        this.monitorPort = monitorPort;
    }

    /** A node of {@link EmbeddedNatsCluster}: not started; {@code dir} belongs to the cluster. */
    static EmbeddedNats clusterNode(Builder builder, Path dir, int port, String serverName, int monitorPort,
            List<String> clusterArgs) {
        return new EmbeddedNats(builder, executable(builder.binary != null ? builder.binary : findBinary()), dir,
                false, port, serverName, monitorPort, clusterArgs);
    }

    private static Path executable(Path binary) {
        if (!Files.isRegularFile(binary) || !Files.isExecutable(binary)) {
            throw new IllegalStateException(binary + " is not an executable file: " + INSTALL_HINT);
        }
        return binary;
    }

    /** Starts a server with the defaults and waits until it is ready. The caller owns it and must close it. */
    public static EmbeddedNats start() {
        return builder().start();
    }

    /** Options for a server; finish with {@link Builder#start()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** {@code nats://127.0.0.1:<port>}. Stable across restarts. */
    public String url() {
        return "nats://127.0.0.1:" + port;
    }

    /** Same as {@link #url()}. */
    @Override
    public String address() {
        return url();
    }

    /** The client port. */
    public int port() {
        return port;
    }

    /** The server's {@code server_name}: stable across restarts; what JetStream names leaders and peers by. */
    public String serverName() {
        return serverName;
    }

    /** {@code http://127.0.0.1:<port>} of the HTTP monitoring endpoints ({@code /varz}, {@code /jsz}), if enabled. */
    public java.util.Optional<String> monitorUrl() {
        return monitorPort == 0 ? java.util.Optional.empty()
                : java.util.Optional.of("http://127.0.0.1:" + monitorPort);
    }

    @Override
    public String toString() {
        return "EmbeddedNats[" + serverName + ", " + url() + ", dir=" + dir + "]";
    }

    @Override
    Process spawn() {
        List<String> natsCommand = new ArrayList<>(List.of(binary.toString(),
                "-a", "127.0.0.1", "-p", String.valueOf(port),
                "-js", "-sd", storeDir.toString(),
                "--server_name", serverName));
        if (monitorPort != 0) {
            natsCommand.addAll(List.of("-m", String.valueOf(monitorPort)));
        }
        natsCommand.addAll(extraArgs);
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(SH)) {
            command.addAll(List.of(SH.toString(), "-c", PARENT_WATCH_SCRIPT));
        }
        command.addAll(natsCommand);
        logStart = sizeOf(logFile);
        return startLogged(command, "nats-server", String.join(" ", natsCommand));
    }

    @Override
    void awaitReady(Process process) {
        long deadline = System.nanoTime() + startupTimeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw failure("nats-server exited with code " + process.exitValue() + " during start-up");
            }
            if (logSince(logStart).contains("Server is ready") && readsInfoLine()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw failure("nats-server on " + url() + " not ready after " + startupTimeout.toSeconds() + " s");
            }
            ProcessSupport.sleep(50);
        }
    }

    private boolean readsInfoLine() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(ProcessSupport.loopback(), port), 500);
            socket.setSoTimeout(1000);
            BufferedReader reader = new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line = reader.readLine();
            return line != null && line.startsWith("INFO ");
        } catch (IOException e) {
            return false;
        }
    }

    private String logSince(long offset) {
        try (RandomAccessFile raf = new RandomAccessFile(logFile.toFile(), "r")) {
            long length = raf.length();
            if (length <= offset) {
                return "";
            }
            byte[] bytes = new byte[(int) Math.min(length - offset, 1 << 20)];
            raf.seek(offset);
            raf.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private IllegalStateException failure(String what) {
        return new IllegalStateException(what + "; log " + logFile + " ends with:" + System.lineSeparator()
                + ProcessSupport.tail(logFile, 40));
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }


    /**
     * Finds the {@code nats-server} binary: {@code $NATS_SERVER_BIN}, the {@code PATH}, {@code /usr/sbin},
     * {@code /usr/bin}, {@code /usr/local/bin}.
     *
     * @throws IllegalStateException naming the fixes (install Debian's package or set the variable) if none is found
     */
    public static Path findBinary() {
        String override = System.getenv(BINARY_ENV);
        if (override != null && !override.isBlank()) {
            Path path = Path.of(override);
            if (!Files.isExecutable(path)) {
                throw new IllegalStateException(BINARY_ENV + "=" + override + " is not an executable file: "
                        + INSTALL_HINT);
            }
            return path;
        }
        List<Path> candidates = new ArrayList<>();
        String pathEnv = System.getenv("PATH");
        if (pathEnv != null) {
            for (String entry : pathEnv.split(java.io.File.pathSeparator)) {
                if (!entry.isEmpty()) {
                    candidates.add(Path.of(entry, "nats-server"));
                }
            }
        }
        candidates.add(Path.of("/usr/sbin/nats-server"));
        candidates.add(Path.of("/usr/bin/nats-server"));
        candidates.add(Path.of("/usr/local/bin/nats-server"));
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "nats-server not found (looked in PATH, /usr/sbin, /usr/bin, /usr/local/bin): " + INSTALL_HINT);
    }

    /** Options for an {@link EmbeddedNats}. Not thread-safe; use it on one thread, then call {@link #start()}. */
    public static final class Builder {
        private Path binary;
        private final List<String> extraArgs = new ArrayList<>();
        private Duration startupTimeout = Duration.ofSeconds(20);

        private Builder() {
        }

        /** The {@code nats-server} binary to run instead of the one {@link EmbeddedNats#findBinary()} finds. */
        public Builder binary(Path binary) {
            this.binary = Objects.requireNonNull(binary, "binary");
            return this;
        }

        /** An extra command-line argument for {@code nats-server}, e.g. {@code "-DV"} for debug and trace logs. */
        public Builder extraArg(String arg) {
            extraArgs.add(Objects.requireNonNull(arg, "arg"));
            return this;
        }

        /** How long {@code start()}/{@code restart()} wait for readiness; 20 s by default. */
        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Creates the temp directory, starts the server and waits until it is ready.
         *
         * @throws IllegalStateException if the binary is missing or the server does not become ready
         */
        public EmbeddedNats start() {
            return startOrClose(new EmbeddedNats(this));
        }
    }
}
