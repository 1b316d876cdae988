package io.relaybus.embedded;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Package-private helpers shared by the embedded brokers: ports, process stopping, log tails, temp dirs. */
final class ProcessSupport {

    /** Ports never handed out: the well-known Kafka and NATS ports, which a developer's own broker may use. */
    private static final Set<Integer> RESERVED = Set.of(9092, 9093, 4222, 6222, 8222);
    /** Ports already handed out in this JVM, so two brokers started back to back never get the same one. */
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private ProcessSupport() {
    }

    /** The {@code java} binary of the running JVM (from {@link ProcessHandle}, else {@code java.home}). */
    static String javaBinary() {
        java.util.Optional<String> command = ProcessHandle.current().info().command();
        if (command.isPresent() && Files.isExecutable(Path.of(command.get()))) {
            return command.get();
        }
        Path fromHome = Path.of(System.getProperty("java.home"), "bin", "java");
        if (Files.isExecutable(fromHome)) {
            return fromHome.toString();
        }
        throw new IllegalStateException("cannot find the java binary of this JVM (java.home=" + System.getProperty("java.home") + ")");
    }

    /** The running JVM's class path, checked to contain Kafka's broker classes. */
    static String classPath() {
        String classPath = System.getProperty("java.class.path", "");
        if (!classPath.contains("kafka_2.13")) {
            try {
                Class.forName("kafka.Kafka", false, ProcessSupport.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("org.apache.kafka:kafka_2.13 is not on the class path ("
                        + "java.class.path must hold it, the broker JVM is started with the same class path)");
            }
        }
        return absolute(classPath);
    }

    /**
     * The class path with every entry made absolute: the broker JVM runs in its own directory, where a relative entry
     * ({@code java -jar bus-bench/target/bus-bench.jar}) would point nowhere.
     */
    static String absolute(String classPath) {
        StringBuilder absolute = new StringBuilder();
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            if (absolute.length() > 0) {
                absolute.append(java.io.File.pathSeparatorChar);
            }
            absolute.append(java.nio.file.Path.of(entry).toAbsolutePath());
        }
        return absolute.toString();
    }

    /** CPU time {@code process} has used so far, all its threads; empty for none or when the platform does not tell. */
    static java.util.Optional<java.time.Duration> cpuTime(Process process) {
        return process == null ? java.util.Optional.empty() : process.info().totalCpuDuration();
    }

    static InetAddress loopback() {
        return InetAddress.getLoopbackAddress();
    }

    /** A currently free loopback port (bound and released), never a reserved one nor one handed out before. */
    static synchronized int freePort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, loopback())) {
                int port = socket.getLocalPort();
                if (!RESERVED.contains(port) && HANDED_OUT.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free loopback port", e);
            }
        }
        throw new IllegalStateException("cannot find a free loopback port after 100 attempts");
    }

    /** {@code true} if something accepts TCP connections on the loopback port. */
    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(loopback(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Stops a process: SIGTERM, wait up to {@code grace}, then SIGKILL and wait again.
     *
     * @return {@code true} if it exited within the grace period (a graceful stop)
     */
    static boolean stop(Process process, Duration grace) {
        if (process == null || !process.isAlive()) {
            return true;
        }
        process.destroy();
        boolean graceful = waitFor(process, grace);
        if (!graceful) {
            kill(process);
        }
        return graceful;
    }

    /** SIGKILL and wait (bounded) until the process is gone. */
    static void kill(Process process) {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        if (!waitFor(process, Duration.ofSeconds(10))) {
            throw new IllegalStateException("process " + process.pid() + " did not die after SIGKILL");
        }
    }

    private static boolean waitFor(Process process, Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /** The last {@code maxLines} lines (at most 16 KiB) of a log file, or a note saying why there are none. */
    static String tail(Path file, int maxLines) {
        if (!Files.exists(file)) {
            return "(no log file " + file + ")";
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            int size = (int) Math.min(length, 16 * 1024);
            byte[] bytes = new byte[size];
            raf.seek(length - size);
            raf.readFully(bytes);
            String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\r?\n");
            int from = Math.max(0, lines.length - maxLines);
            return String.join(System.lineSeparator(), java.util.Arrays.copyOfRange(lines, from, lines.length));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // the process is gone
        }
    }

    static void appendLine(Path file, String line) {
        try {
            Files.writeString(file, line + System.lineSeparator(), StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code properties} (in their order) to {@code file} as a {@code .properties} file headed "written by {@code writer}". */
    static void writeProperties(Path file, java.util.Map<String, String> properties, Class<?> writer) {
        java.util.Properties props = new java.util.Properties();
        props.putAll(properties);
        try (java.io.OutputStream out = Files.newOutputStream(file)) {
            props.store(out, "written by " + writer.getName());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path createTempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp directory", e);
        }
    }

    static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /** Deletes a directory tree, best effort (a file that cannot be deleted is left behind). */
    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** Registers a hook; returns it so {@link #removeShutdownHook} can drop it again on close. */
    static Thread addShutdownHook(String name, Runnable action) {
        Thread hook = new Thread(action, name);
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    static void removeShutdownHook(Thread hook) {
        if (hook == null || Thread.currentThread() == hook) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shutdownInProgress) {
            // the hook runs anyway
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker", e);
        }
    }
}
