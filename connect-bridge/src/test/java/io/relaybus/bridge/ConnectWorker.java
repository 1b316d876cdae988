package io.relaybus.bridge;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A real Kafka Connect distributed worker in a forked JVM ({@code ConnectDistributed}), for the integration tests.
 *
 * <p>The fork's class path is this JVM's minus the bridge (its classes and jar) and everything the plugin archive
 * ships (jnats, bus-*, HdrHistogram, BouncyCastle, jspecify), so the connectors can only come from
 * {@code plugin.path}: the directory the archive {@code target/relaybus-connect-bridge-*.zip} was unpacked into.
 * {@code plugin.discovery=service_load} makes the worker find them through their {@code META-INF/services} entries.
 *
 * <p>{@link #kill()} is a SIGKILL (a crash); {@link #start()} again starts a new worker process on the same port,
 * group and internal topics, which picks up the connectors from the config topic.
 */
final class ConnectWorker implements AutoCloseable {

    static final String SOURCE_CLASS = NatsSourceConnector.class.getName();
    static final String SINK_CLASS = NatsSinkConnector.class.getName();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Path dir;
    private final Path config;
    private final Path log;
    private final int port;
    private Process process;
    private int incarnation;

    ConnectWorker(String bootstrap, Path dir) {
        this.dir = dir;
        deleteRecursively(dir);
        this.port = freePort();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.config = dir.resolve("worker.properties");
        this.log = dir.resolve("worker.log");
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", "relaybus-bridge-it-" + port);
        p.put("config.storage.topic", "connect-configs-" + port);
        p.put("offset.storage.topic", "connect-offsets-" + port);
        p.put("status.storage.topic", "connect-status-" + port);
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
        p.put("plugin.path", unpackPlugin(dir.resolve("plugins")).toString());
        p.put("plugin.discovery", "service_load");
        p.put("offset.flush.interval.ms", "1000");
        // Source tasks run with transactions (records and offsets committed together): the connectors' exactly-once
        // path is what the crash test exercises.
        p.put("exactly.once.source.support", "enabled");
        p.put("scheduled.rebalance.max.delay.ms", "0");
        p.put("session.timeout.ms", "6000");
        p.put("heartbeat.interval.ms", "2000");
        p.put("consumer.session.timeout.ms", "6000");
        p.put("consumer.heartbeat.interval.ms", "2000");
        p.put("task.shutdown.graceful.timeout.ms", "5000");
        try (OutputStream out = Files.newOutputStream(config)) {
            p.store(out, "relaybus connect-bridge integration test worker");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Unpacks target/relaybus-connect-bridge-VERSION.zip into {@code into}; returns {@code into}. */
    static Path unpackPlugin(Path into) {
        Path zip = Path.of(System.getProperty("bridge.plugin.archive", "target/missing.zip"));
        if (!Files.exists(zip)) {
            throw new IllegalStateException("plugin archive " + zip + " not found: run the ITs with mvn verify");
        }
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                Path target = into.resolve(e.getName()).normalize();
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return into;
    }

    /** This JVM's class path without the bridge and the jars the plugin archive ships. */
    static String workerClassPath() {
        List<String> kept = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            boolean bridge = entry.contains("connect-bridge" + File.separator + "target")
                    || name.startsWith("connect-bridge-");
            boolean shipped = name.startsWith("jnats-") || name.startsWith("bus-api") || name.startsWith("bus-spi")
                    || name.startsWith("HdrHistogram") || name.startsWith("bcprov") || name.startsWith("jspecify")
                    || entry.contains("bus-api" + File.separator + "target")
                    || entry.contains("bus-spi" + File.separator + "target");
            if (!bridge && !shipped) {
                kept.add(entry);
            }
        }
        return String.join(File.pathSeparator, kept);
    }

    void start() {
        incarnation++;
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Xms64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
                "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.clients=warn",
                "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.common=warn",
                "-Dorg.slf4j.simpleLogger.log.org.eclipse.jetty=warn",
                "-cp", workerClassPath(),
                "org.apache.kafka.connect.cli.ConnectDistributed", config.toString()));
        try {
            Files.writeString(log, "---- worker incarnation " + incarnation + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            process = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Connect worker exited: " + tail());
            }
            try {
                HttpResponse<String> r = request("GET", "/connector-plugins", null);
                if (r.statusCode() == 200 && r.body().contains(SOURCE_CLASS) && r.body().contains(SINK_CLASS)) {
                    return;
                }
                if (r.statusCode() == 200) {
                    throw new IllegalStateException("worker up but plugins missing: " + r.body() + "\n" + tail());
                }
            } catch (IOException e) {
                // not listening yet
            }
            sleep(500);
        }
        throw new IllegalStateException("the Connect worker did not come up in 120 s: " + tail());
    }

    /** SIGKILL: no graceful shutdown, no final offset commit. */
    void kill() {
        process.destroyForcibly();
        waitFor();
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            waitFor();
        }
    }

    private void waitFor() {
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return "\n... " + log + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 60),
                    lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    HttpResponse<String> request(String method, String path, Object body) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** PUT /connectors/{name}/config; waits until the connector and its tasks are RUNNING. */
    void createConnector(String name, Map<String, String> config) throws IOException {
        HttpResponse<String> r = request("PUT", "/connectors/" + name + "/config", config);
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("creating " + name + " failed: " + r.statusCode() + " " + r.body());
        }
        awaitRunning(name);
    }

    void awaitRunning(String name) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = request("GET", "/connectors/" + name + "/status", null);
            last = r.body();
            if (r.statusCode() == 200) {
                JsonNode s = JSON.readTree(r.body());
                List<String> states = new ArrayList<>();
                s.get("tasks").forEach(t -> states.add(t.get("state").asText()));
                if (states.contains("FAILED")) {
                    throw new IllegalStateException("connector " + name + " has a failed task: " + r.body());
                }
                if (s.get("connector").get("state").asText().equals("RUNNING") && !states.isEmpty()
                        && states.stream().allMatch("RUNNING"::equals)) {
                    return;
                }
            }
            sleep(300);
        }
        throw new IllegalStateException("connector " + name + " not running in 90 s: " + last + tail());
    }

    void deleteConnector(String name) throws IOException {
        request("DELETE", "/connectors/" + name, null);
    }

    /** PUT /connector-plugins/{class}/config/validate: field name to its error messages (only fields with errors). */
    Map<String, List<String>> validate(String connectorClass, Map<String, String> config) throws IOException {
        HttpResponse<String> r = request("PUT", "/connector-plugins/" + connectorClass + "/config/validate", config);
        if (r.statusCode() != 200) {
            throw new IllegalStateException("validate failed: " + r.statusCode() + " " + r.body());
        }
        JsonNode root = JSON.readTree(r.body());
        Map<String, List<String>> errors = new java.util.TreeMap<>();
        for (JsonNode c : root.get("configs")) {
            JsonNode value = c.get("value");
            List<String> messages = new ArrayList<>();
            value.get("errors").forEach(m -> messages.add(m.asText()));
            if (!messages.isEmpty()) {
                errors.put(value.get("name").asText(), messages);
            }
        }
        return errors;
    }

    static String plugins(String body) throws IOException {
        List<String> classes = new ArrayList<>();
        JSON.readTree(body).forEach(p -> classes.add(p.get("class").asText()));
        return classes.stream().sorted().collect(Collectors.joining(","));
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
