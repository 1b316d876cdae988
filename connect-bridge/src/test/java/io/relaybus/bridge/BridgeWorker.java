package io.relaybus.bridge;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.relaybus.embedded.EmbeddedConnect;
import io.relaybus.embedded.TestBrokers;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The one forked Connect worker (plugin from the archive, exactly-once source support on, JMX on a free port) that
 * the bridge's integration test classes share in their JVM, with the test brokers and helpers to drive it as a user
 * would, through its REST API. Started on first use; a shutdown hook stops it with the JVM. Thread safe.
 */
final class BridgeWorker {

    static final String SOURCE_CLASS = NatsSourceConnector.class.getName();
    static final String SINK_CLASS = NatsSinkConnector.class.getName();
    static final String BYTES = "org.apache.kafka.connect.converters.ByteArrayConverter";
    static final Duration RUNNING_TIMEOUT = Duration.ofSeconds(90);
    static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedConnect worker;
    private static Connection nats;
    private static int jmxPort;

    private BridgeWorker() {
    }

    /** The shared worker, started on the first call. */
    static synchronized EmbeddedConnect worker() {
        if (worker == null) {
            jmxPort = freePort();
            // The worker's class path is this JVM's minus what the archive ships (the bridge, transport-nats, jnats,
            // bus-*), so the connectors can only come from plugin.path. Source tasks run with transactions (records
            // and offsets committed together).
            worker = builder(TestBrokers.kafka().address(), "it-worker")
                    .workerProperty("exactly.once.source.support", "enabled")
                    .jvmArg("-Dcom.sun.management.jmxremote.port=" + jmxPort)
                    .jvmArg("-Dcom.sun.management.jmxremote.rmi.port=" + jmxPort)
                    .jvmArg("-Dcom.sun.management.jmxremote.host=127.0.0.1")
                    .jvmArg("-Djava.rmi.server.hostname=127.0.0.1")
                    .jvmArg("-Dcom.sun.management.jmxremote.authenticate=false")
                    .jvmArg("-Dcom.sun.management.jmxremote.ssl=false")
                    .expectPlugins(SOURCE_CLASS, SINK_CLASS)
                    .start();
        }
        return worker;
    }

    /**
     * A worker of the build's plugin archive (system property {@code bridge.plugin.archive}) against
     * {@code bootstrapServers}, in {@code directory} under the build directory ({@code bridge.build.dir}), C1 only
     * (a faster start); the caller adds its own settings and starts it.
     */
    static EmbeddedConnect.Builder builder(String bootstrapServers, String directory) {
        return EmbeddedConnect.builder(bootstrapServers)
                .directory(Path.of(System.getProperty("bridge.build.dir", "target"), directory))
                .pluginArchive(Path.of(System.getProperty("bridge.plugin.archive", "target/missing.zip")))
                .jvmArg("-XX:TieredStopAtLevel=1");
    }

    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The worker's JMX port (remote JMX without authentication, loopback only). */
    static synchronized int jmxPort() {
        worker();
        return jmxPort;
    }

    /** A plain jnats connection of the test to the test NATS server. */
    static synchronized Connection nats() throws IOException, InterruptedException {
        if (nats == null) {
            nats = Nats.connect(TestBrokers.nats().address());
        }
        return nats;
    }

    /** {@link #connectorConfig} on the test NATS server. */
    static Map<String, String> common(String connectorClass, String... keysAndValues) {
        return connectorConfig(connectorClass, TestBrokers.nats().address(), keysAndValues);
    }

    /**
     * A connector's configuration: class, {@code natsServers}, byte converters (keys and header values cross the
     * bridge as exact bytes), then {@code keysAndValues} in pairs (a later pair replaces an earlier key). Mutable.
     */
    static Map<String, String> connectorConfig(String connectorClass, String natsServers, String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must come in pairs: " + List.of(keysAndValues));
        }
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", connectorClass);
        c.put("nats.servers", natsServers);
        c.put("key.converter", BYTES);
        c.put("value.converter", BYTES);
        c.put("header.converter", BYTES);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            c.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return c;
    }

    /** The configuration of an application's bus on the test Kafka. */
    static Map<String, Object> kafkaBus() {
        return Map.of("bus.transport", "kafka", "kafka.bootstrap.servers", TestBrokers.kafka().address());
    }

    /** The configuration of an application's bus on the test NATS server, on the streams the test created. */
    static Map<String, Object> natsBus() {
        return Map.of("bus.transport", "nats", "nats.servers", TestBrokers.nats().address(),
                "nats.stream.provision", "false");
    }

    static void createStream(String name, String... subjects) throws Exception {
        nats().jetStreamManagement().addStream(StreamConfiguration.builder().name(name).subjects(subjects)
                .storageType(StorageType.File).duplicateWindow(Duration.ofMinutes(5)).build());
    }

    static void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestBrokers.kafka().address()))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
    }

    /** Reads {@code topics} from the beginning (read_committed) until {@code expected} records arrived or timeout. */
    static List<ConsumerRecord<byte[], byte[]>> readKafka(List<String> topics, int expected, Duration timeout) {
        Properties p = new Properties();
        p.put("bootstrap.servers", TestBrokers.kafka().address());
        p.put("group.id", "it-reader-" + System.nanoTime());
        p.put("auto.offset.reset", "earliest");
        p.put("enable.auto.commit", "false");
        p.put("isolation.level", "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(topics);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }

    /** Reads a stream from its start with an ephemeral pull consumer until {@code expected} messages or timeout. */
    static List<Message> readStream(String stream, String filter, int expected, Duration timeout) throws Exception {
        JetStream js = nats().jetStream();
        JetStreamSubscription sub = js.subscribe(filter, PullSubscribeOptions.builder().stream(stream).build());
        List<Message> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (out.size() < expected && System.nanoTime() < deadline) {
            for (Message m : sub.fetch(500, Duration.ofMillis(500))) {
                m.ack();
                out.add(m);
            }
        }
        sub.unsubscribe();
        return out;
    }

    static String text(ConsumerRecord<?, ?> r, String header) {
        org.apache.kafka.common.header.Header h = r.headers().lastHeader(header);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** {@code PUT /connectors/{name}/config}, without waiting for it to run. */
    static void putConfig(String name, Map<String, String> config) throws IOException {
        HttpResponse<String> r = worker().rest().request("PUT", "/connectors/" + name + "/config",
                JSON.writeValueAsString(config));
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("PUT config of " + name + ": " + r.statusCode() + " " + r.body());
        }
    }

    /** {@code GET /connectors/{name}/status} as JSON. */
    static JsonNode status(String name) throws IOException {
        HttpResponse<String> r = worker().rest().request("GET", "/connectors/" + name + "/status", null);
        return JSON.readTree(r.body());
    }

    /** Waits until task 0 of {@code name} is in {@code state}; returns its status. */
    static JsonNode awaitTaskState(String name, String state, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = status(name);
            JsonNode tasks = last.get("tasks");
            if (tasks != null && tasks.size() > 0 && state.equals(tasks.get(0).get("state").asText())) {
                return tasks.get(0);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("task 0 of " + name + " not " + state + " within " + timeout + ": " + last);
    }

    /** Polls {@code condition} every 100 ms until it holds; fails naming {@code what} after {@code timeout}. */
    static void await(String what, BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    /** Polls {@code condition} every 100 ms until it holds or {@code timeout} passed; returns whether it held. */
    static boolean awaitUpTo(Duration timeout, Check condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    /** A condition whose check may fail (a count read over the network). */
    interface Check {
        boolean holds() throws Exception;
    }

    /** What a feeder does for its {@code i}-th message. */
    interface FeedStep {
        void feed(int i) throws Exception;
    }

    /**
     * Starts the thread {@code name}, which runs {@code step} for {@code i} = 0 to {@code n - 1}, pausing
     * {@code pause} after every 50th, so that a test can break something while it feeds. The first exception of a
     * step ends the thread (uncaught, logged by the JVM); the test sees the missing messages.
     */
    static Thread startFeeder(String name, int n, Duration pause, FeedStep step) {
        Thread feeder = new Thread(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    step.feed(i);
                    if (i % 50 == 0) {
                        Thread.sleep(pause.toMillis());
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, name);
        feeder.start();
        return feeder;
    }

    /** One REST call that must succeed (2xx); returns the body. */
    static String call(String method, String path, String body) throws IOException {
        HttpResponse<String> r = worker().rest().request(method, path, body);
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    /** Waits until the connector (and its tasks) report {@code STOPPED} after {@code PUT .../stop}. */
    static void stopConnector(String name) throws Exception {
        call("PUT", "/connectors/" + name + "/stop", null);
        long deadline = System.nanoTime() + RUNNING_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode s = status(name);
            if ("STOPPED".equals(s.get("connector").get("state").asText()) && s.get("tasks").isEmpty()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(name + " did not stop: " + status(name));
    }

    /** The worker log from {@code from} (a character offset) on. */
    static String log(long from) throws IOException {
        String all = Files.readString(worker().logFile(), StandardCharsets.UTF_8);
        return from >= all.length() ? "" : all.substring((int) from);
    }

    /** The worker log's length now, to read what comes after it with {@link #log(long)}. */
    static long logMark() throws IOException {
        return Files.readString(worker().logFile(), StandardCharsets.UTF_8).length();
    }
}
