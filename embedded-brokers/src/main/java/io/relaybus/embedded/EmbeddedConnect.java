package io.relaybus.embedded;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A real Kafka Connect distributed worker ({@code ConnectDistributed}) in a forked JVM, loading connector plugins
 * from a plugin archive through {@code plugin.path}, as a production worker does. For integration tests and the
 * benchmark.
 *
 * <p><b>Plugin isolation.</b> The archive (a Connect component archive, e.g.
 * {@code relaybus-connect-bridge-VERSION.zip} with {@code lib/*.jar}) is unpacked into {@link #pluginPath()}. The
 * worker's class path is the one given to the {@link Builder} (by default this JVM's) <em>minus every artifact the
 * archive ships</em> (matched by artifact name, version ignored; for a Maven module's {@code target/classes}
 * directory, the module's directory name): otherwise the worker's own class loader would hold a second copy of the
 * plugin, and the test would pass for a plugin that cannot be loaded from its archive. {@code plugin.discovery} is
 * {@code service_load}, so the worker finds connectors through their {@code META-INF/services} entries only.
 * The class path must also hold {@code connect-runtime} with its dependencies, an SLF4J provider for a useful log,
 * and this module (for {@link ConnectWorkerMain}); {@link Builder#start()} checks the last.
 *
 * <p><b>Defaults</b> (override with {@link Builder#workerProperty}): REST on a free loopback port; group and internal
 * topic names suffixed with that port, replication factor 1; string keys and headers, byte-array values; offsets
 * flushed every second; a 6 s group session. JVM: {@code -Xmx512m}, G1.
 *
 * <p><b>Lifecycle and ownership.</b> The creator owns the instance and must {@link #close()} it, which stops the worker
 * (SIGTERM, then SIGKILL after 30 s) and deletes its temp directory. {@link #kill()} is a SIGKILL (a crash);
 * {@link #restart()} starts a new worker process with the same port, group and internal topics, which picks up the
 * connectors from the config topic. If this JVM exits without {@code close()}, a shutdown hook kills the worker; if
 * this JVM is killed, the worker sees its standard input close and exits on its own.
 *
 * <p><b>Threading.</b> Thread-safe: lifecycle methods are {@code synchronized}; {@link #rest()} may be used from any
 * thread.
 */
public final class EmbeddedConnect extends ForkedProcess {

    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    /**
     * Artifacts the worker keeps even when the plugin archive ships them: Connect never loads their packages from a
     * plugin (its PluginUtils excludes org.slf4j from plugin isolation), so without them the worker cannot start.
     */
    private static final Set<String> WORKER_OWNED = Set.of("slf4j-api");
    /** {@code name-1.2.3.jar} or {@code name-0.1.0-SNAPSHOT.jar}: the artifact name is what precedes "-digit". */
    private static final Pattern VERSIONED_JAR = Pattern.compile("^(.+?)-\\d[^/]*\\.jar$");

    private final Path pluginPath;
    private final Path configFile;
    private final int port;
    private final List<Path> classPath;
    private final Set<String> pluginArtifacts;
    private final ForkedJvm jvm;
    private final List<String> expectedPlugins;
    private final ConnectRest rest;
    private Map<String, String> workerConfig;
    private int incarnation;

    private EmbeddedConnect(Builder b) {
        this(b, b.directory == null ? ProcessSupport.createTempDir("relaybus-connect-") : createFresh(b.directory));
    }

    private EmbeddedConnect(Builder b, Path dir) {
        super(dir, b.directory == null, dir.resolve("worker.log"), STOP_GRACE);
        this.pluginPath = dir.resolve("plugins");
        this.configFile = dir.resolve("worker.properties");
        this.jvm = new ForkedJvm(b);
        this.expectedPlugins = List.copyOf(b.expectedPlugins);
        try {
            this.port = ProcessSupport.freePort();
            this.rest = new ConnectRest("http://127.0.0.1:" + port);
            unpack(b.pluginArchive, pluginPath);
            this.pluginArtifacts = artifactsIn(pluginPath);
            this.classPath = isolate(b.classPath != null ? b.classPath : currentClassPath(), pluginArtifacts);
            writeConfig(b.bootstrapServers, b.workerProperties);
        } catch (RuntimeException e) {
            abandon();
            throw e;
        }
    }

    /** Options for a worker connected to the Kafka cluster at {@code bootstrapServers}; finish with {@link Builder#start()}. */
    public static Builder builder(String bootstrapServers) {
        return new Builder(bootstrapServers);
    }

    /** The REST API of this worker. */
    public ConnectRest rest() {
        return rest;
    }

    /** {@code http://127.0.0.1:<port>}: the worker's REST listener. Stable across restarts. */
    public String restUrl() {
        return rest.baseUrl();
    }

    /** Where the plugin archive was unpacked: the worker's {@code plugin.path}. */
    public Path pluginPath() {
        return pluginPath;
    }

    /** The worker JVM's class path, after removing what the plugin archive ships. */
    public List<Path> classPath() {
        return classPath;
    }

    /** The Kafka topics the worker keeps its configs, offsets and statuses in (they stay on the cluster). */
    public List<String> internalTopics() {
        return List.of(workerConfig.get("config.storage.topic"), workerConfig.get("offset.storage.topic"),
                workerConfig.get("status.storage.topic"));
    }

    /** The last lines of the worker log, for error messages. */
    public String logTail() {
        return "last lines of " + logFile + ":" + System.lineSeparator() + ProcessSupport.tail(logFile, 60);
    }

    @Override
    public String toString() {
        return "EmbeddedConnect[" + restUrl() + ", dir=" + dir + "]";
    }

    @Override
    Process spawn() {
        incarnation++;
        List<String> command = jvm.command(List.of("-Dorg.slf4j.simpleLogger.log.org.apache.kafka.clients=warn",
                "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.common=warn",
                "-Dorg.slf4j.simpleLogger.log.org.eclipse.jetty=warn"),
                String.join(File.pathSeparator, classPath.stream().map(Path::toString).toList()),
                ConnectWorkerMain.class, configFile.toString());
        return startLogged(command, "the Connect worker JVM (incarnation " + incarnation + ")",
                ConnectWorkerMain.class.getName() + " " + configFile);
    }

    /** Up once its REST API lists every plugin named by {@link Builder#expectPlugins}. */
    @Override
    void awaitReady(Process process) {
        long deadline = System.nanoTime() + jvm.startupTimeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Connect worker exited with code " + process.exitValue()
                        + " during start-up; " + logTail());
            }
            List<String> plugins;
            try {
                plugins = rest.connectorPlugins();
            } catch (IOException | IllegalStateException notUpYet) {
                // REST not listening yet, or 404 while the herder starts
                ProcessSupport.sleep(300);
                continue;
            }
            List<String> missing = expectedPlugins.stream().filter(p -> !plugins.contains(p)).toList();
            if (!missing.isEmpty()) {
                throw new IllegalStateException("the Connect worker is up but does not list " + missing
                        + " (it lists " + plugins + "); plugin.path=" + pluginPath + " holds " + pluginArtifacts
                        + "; " + logTail());
            }
            return;
        }
        throw new IllegalStateException("the Connect worker did not come up in " + jvm.startupTimeout.toSeconds()
                + " s; " + logTail());
    }

    /** Marks a directory as this class's, so that emptying it again never wipes something else. */
    private static final String MARKER = ".relaybus-embedded-connect";

    /**
     * A given directory, emptied: a worker must not find a previous run's plugins or properties. Only an empty or
     * missing directory, or one an earlier worker used (it holds the marker), is emptied: {@code directory(target)}
     * must not wipe a build's output.
     */
    private static Path createFresh(Path given) {
        if (Files.isDirectory(given) && !Files.exists(given.resolve(MARKER))) {
            try (var entries = Files.list(given)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException("the worker directory " + given.toAbsolutePath() + " is not "
                            + "empty and was not used by an earlier EmbeddedConnect (no " + MARKER + " file in it); "
                            + "give an empty or new directory");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the worker directory " + given, e);
            }
        }
        ProcessSupport.deleteRecursively(given);
        try {
            Path dir = Files.createDirectories(given).toAbsolutePath();
            Files.createFile(dir.resolve(MARKER));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the worker directory " + given, e);
        }
    }

    private void writeConfig(String bootstrap, Map<String, String> overrides) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", "relaybus-connect-" + port);
        p.put("config.storage.topic", "relaybus-connect-configs-" + port);
        p.put("offset.storage.topic", "relaybus-connect-offsets-" + port);
        p.put("status.storage.topic", "relaybus-connect-status-" + port);
        p.put("config.storage.replication.factor", "1");
        p.put("offset.storage.replication.factor", "1");
        p.put("status.storage.replication.factor", "1");
        p.put("offset.storage.partitions", "1");
        p.put("status.storage.partitions", "1");
        p.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        p.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        p.put("header.converter", "org.apache.kafka.connect.storage.StringConverter");
        p.put("listeners", "http://127.0.0.1:" + port);
        p.put("rest.advertised.host.name", "127.0.0.1");
        p.put("plugin.path", pluginPath.toString());
        p.put("plugin.discovery", "service_load");
        p.put("offset.flush.interval.ms", "1000");
        p.put("scheduled.rebalance.max.delay.ms", "0");
        p.put("session.timeout.ms", "6000");
        p.put("heartbeat.interval.ms", "2000");
        p.put("consumer.session.timeout.ms", "6000");
        p.put("consumer.heartbeat.interval.ms", "2000");
        p.put("task.shutdown.graceful.timeout.ms", "5000");
        p.putAll(overrides);
        workerConfig = Map.copyOf(p);
        ProcessSupport.writeProperties(configFile, p, EmbeddedConnect.class);
    }

    /** Unpacks a zip archive into {@code into} (created if needed); refuses entries that would land outside it. */
    public static Path unpack(Path zip, Path into) {
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException("plugin archive " + zip.toAbsolutePath() + " not found");
        }
        Path root = into.toAbsolutePath().normalize();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            Files.createDirectories(root);
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                Path target = root.resolve(e.getName()).normalize();
                if (!target.startsWith(root)) {
                    throw new IllegalStateException("plugin archive " + zip + " has an entry outside its root: "
                            + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack plugin archive " + zip, e);
        }
        return into;
    }

    /** The artifact names of the jars under {@code pluginDir} (any depth). */
    static Set<String> artifactsIn(Path pluginDir) {
        Set<String> names = new LinkedHashSet<>();
        try (Stream<Path> files = Files.walk(pluginDir)) {
            files.filter(f -> f.getFileName().toString().endsWith(".jar"))
                    .forEach(f -> names.add(artifactName(f)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (names.isEmpty()) {
            throw new IllegalStateException("the plugin archive holds no jar (expected lib/*.jar under " + pluginDir
                    + ")");
        }
        return names;
    }

    /**
     * The artifact a class path entry holds: {@code jnats-2.26.2.jar} is {@code jnats}; a Maven module's
     * {@code .../bus-spi/target/classes} (or {@code test-classes}) directory is {@code bus-spi}.
     */
    static String artifactName(Path entry) {
        String file = entry.getFileName() == null ? entry.toString() : entry.getFileName().toString();
        Matcher m = VERSIONED_JAR.matcher(file);
        if (m.matches()) {
            return m.group(1);
        }
        if (file.endsWith(".jar")) {
            return file.substring(0, file.length() - 4);
        }
        Path parent = entry.getParent();
        if ((file.equals("classes") || file.equals("test-classes")) && parent != null
                && parent.getFileName() != null && parent.getFileName().toString().equals("target")
                && parent.getParent() != null && parent.getParent().getFileName() != null) {
            return parent.getParent().getFileName().toString();
        }
        return file;
    }

    /** {@code classPath} without the entries whose artifact the plugin ships; every entry made absolute. */
    static List<Path> isolate(List<Path> classPath, Set<String> pluginArtifacts) {
        List<Path> kept = new ArrayList<>();
        for (Path entry : classPath) {
            String artifact = artifactName(entry);
            if (!pluginArtifacts.contains(artifact) || WORKER_OWNED.contains(artifact)) {
                kept.add(entry.toAbsolutePath());
            }
        }
        if (kept.stream().noneMatch(EmbeddedConnect::holdsWorkerMain)) {
            throw new IllegalStateException("the Connect worker's class path must include io.relaybus:embedded-"
                    + "brokers (for " + ConnectWorkerMain.class.getName() + "), and it does not: " + kept);
        }
        return List.copyOf(kept);
    }

    private static boolean holdsWorkerMain(Path entry) {
        String resource = ConnectWorkerMain.class.getName().replace('.', '/') + ".class";
        if (Files.isDirectory(entry)) {
            return Files.exists(entry.resolve(resource));
        }
        if (!Files.isRegularFile(entry)) {
            return false;
        }
        try (JarFile jar = new JarFile(entry.toFile())) {
            return jar.getEntry(resource) != null;
        } catch (IOException e) {
            return false;
        }
    }

    private static List<Path> currentClassPath() {
        List<Path> entries = new ArrayList<>();
        for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!e.isEmpty()) {
                entries.add(Path.of(e));
            }
        }
        return entries;
    }

    /** Options for an {@link EmbeddedConnect}. Not thread-safe; use it on one thread, then call {@link #start()}. */
    public static final class Builder extends ForkedJvm.Builder<Builder> {
        private final String bootstrapServers;
        private Path directory;
        private Path pluginArchive;
        private List<Path> classPath;
        private final Map<String, String> workerProperties = new LinkedHashMap<>();
        private final List<String> expectedPlugins = new ArrayList<>();

        private Builder(String bootstrapServers) {
            this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        }

        /** The plugin archive (zip) to unpack into the worker's {@code plugin.path}. Required. */
        public Builder pluginArchive(Path zip) {
            this.pluginArchive = Objects.requireNonNull(zip, "zip");
            return this;
        }

        /**
         * The worker JVM's class path before the plugin's artifacts are removed from it; by default this JVM's
         * {@code java.class.path}. It must hold connect-runtime and its dependencies, and embedded-brokers.
         */
        public Builder classPath(List<Path> entries) {
            this.classPath = List.copyOf(entries);
            return this;
        }

        /**
         * The worker's directory (emptied first), kept after {@link EmbeddedConnect#close()} so its log can be read
         * after a test; by default a temp directory, deleted on close.
         */
        public Builder directory(Path dir) {
            this.directory = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** Sets (or overrides) one worker property, e.g. {@code exactly.once.source.support=enabled}. */
        public Builder workerProperty(String key, String value) {
            workerProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Connector classes that {@code GET /connector-plugins} must list before the worker counts as started. */
        public Builder expectPlugins(String... connectorClasses) {
            expectedPlugins.addAll(List.of(connectorClasses));
            return this;
        }

        /**
         * Unpacks the archive, writes the worker properties, starts the worker and waits until it lists the expected
         * plugins.
         *
         * @throws IllegalStateException if it does not come up (the message has the log tail)
         */
        public EmbeddedConnect start() {
            if (pluginArchive == null) {
                throw new IllegalStateException("EmbeddedConnect needs a plugin archive: call pluginArchive(zip)");
            }
            return startOrClose(new EmbeddedConnect(this));
        }
    }
}
