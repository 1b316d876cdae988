package io.relaybus.bridge;

import static io.relaybus.bridge.BridgeWorker.JSON;
import static io.relaybus.bridge.BridgeWorker.RUNNING_TIMEOUT;
import static io.relaybus.bridge.BridgeWorker.SINK_CLASS;
import static io.relaybus.bridge.BridgeWorker.SOURCE_CLASS;
import static io.relaybus.bridge.BridgeWorker.awaitUpTo;
import static io.relaybus.bridge.BridgeWorker.common;
import static io.relaybus.bridge.BridgeWorker.createStream;
import static io.relaybus.bridge.BridgeWorker.createTopic;
import static io.relaybus.bridge.BridgeWorker.readKafka;
import static io.relaybus.bridge.BridgeWorker.readStream;
import static io.relaybus.bridge.BridgeWorker.startFeeder;
import static io.relaybus.bridge.BridgeWorker.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.impl.Headers;
import io.relaybus.embedded.BrokerHandle;
import io.relaybus.nats.support.HeaderCodec;
import io.relaybus.embedded.EmbeddedConnect;
import io.relaybus.embedded.TestBrokers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * End to end through a real forked Connect worker (plugin loaded from the unpacked archive), a real Kafka and a
 * real nats-server with JetStream. Connectors are created through the REST API, as a user would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("broker")
class BridgeIT {

    private BrokerHandle kafka;
    private BrokerHandle nats;

    private EmbeddedConnect worker;
    private Connection nc;

    @BeforeAll
    void start() throws Exception {
        kafka = TestBrokers.kafka();
        nats = TestBrokers.nats();
        worker = BridgeWorker.worker();   // shared with the other *IT classes of this JVM
        nc = BridgeWorker.nats();
    }

    // ---------------------------------------------------------------- helpers

    private static String key(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    }

    private long streamCount(String stream) throws Exception {
        return nc.jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount();
    }

    private void createConnector(String name, Map<String, String> config) throws IOException {
        worker.rest().createConnector(name, config, RUNNING_TIMEOUT);
    }

    private void awaitRunning(String name) throws IOException {
        worker.rest().awaitRunning(name, RUNNING_TIMEOUT);
    }

    private void deleteConnector(String name) throws IOException {
        worker.rest().deleteConnector(name);
    }

    /** PUT /connector-plugins/{class}/config/validate: field name to its error messages (only fields with errors). */
    private Map<String, List<String>> validate(String connectorClass, Map<String, String> config) throws IOException {
        HttpResponse<String> r = worker.rest().request("PUT", "/connector-plugins/" + connectorClass
                + "/config/validate", JSON.writeValueAsString(config));
        if (r.statusCode() != 200) {
            throw new IllegalStateException("validate failed: " + r.statusCode() + " " + r.body());
        }
        Map<String, List<String>> errors = new java.util.TreeMap<>();
        for (JsonNode c : JSON.readTree(r.body()).get("configs")) {
            JsonNode value = c.get("value");
            List<String> messages = new ArrayList<>();
            value.get("errors").forEach(m -> messages.add(m.asText()));
            if (!messages.isEmpty()) {
                errors.put(value.get("name").asText(), messages);
            }
        }
        return errors;
    }

    // ---------------------------------------------------------------- tests

    @Test
    @Order(1)
    @DisplayName("the worker loads both connectors from plugin.path only (service_load discovery)")
    void pluginsComeFromThePluginPath() throws Exception {
        assertFalse(worker.classPath().toString().contains("jnats"), "jnats must not be on the worker class path");
        assertFalse(worker.classPath().toString().contains("connect-bridge"), "the bridge must not be on it either");
        List<String> plugins = worker.rest().connectorPlugins();
        assertTrue(plugins.contains(SOURCE_CLASS) && plugins.contains(SINK_CLASS), plugins.toString());
    }

    @Test
    @Order(2)
    @DisplayName("NATS to Kafka: topics and keys from the real subject, headers kept, per-subject order")
    void sourceEndToEnd() throws Exception {
        createStream("SRC", "src.>");
        int n = 400;
        JetStream js = nc.jetStream();
        for (int i = 0; i < n; i++) {
            String subject = "src." + (i % 2 == 0 ? "eu" : "us") + ".k" + (i % 5);
            js.publish(subject, new Headers().add("seq", String.valueOf(i)).add("trace", "t" + i),
                    ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        Map<String, String> c = common(SOURCE_CLASS,
                "nats.subjects", "src.*.*",
                "kafka.topic.template", "src-{2}",
                "kafka.key.source", "token",
                "kafka.key.token", "3");
        createConnector("src-e2e", c);

        List<ConsumerRecord<byte[], byte[]>> records = readKafka(List.of("src-eu", "src-us"), n, Duration.ofSeconds(60));
        assertEquals(n, records.size());
        Map<String, Integer> lastSeqPerSubject = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            int seq = Integer.parseInt(text(r, "seq"));
            String region = seq % 2 == 0 ? "eu" : "us";
            assertEquals("src-" + region, r.topic());
            assertEquals("k" + (seq % 5), key(r));
            assertEquals("t" + seq, text(r, "trace"));
            assertEquals("m" + seq, new String(r.value(), StandardCharsets.UTF_8));
            assertEquals("src-e2e", text(r, Origins.HEADER));
            String subject = "src." + region + "." + key(r);
            Integer previous = lastSeqPerSubject.put(subject, seq);
            assertTrue(previous == null || previous < seq, "order broken on " + subject + ": " + previous
                    + " before " + seq);
        }
        deleteConnector("src-e2e");
    }

    @Test
    @Order(3)
    @DisplayName("Kafka to NATS: subject from topic and key, key and headers kept, Nats-Msg-Id, per-subject order")
    void sinkEndToEnd() throws Exception {
        createStream("SNK", "snk.>");
        createTopic("snk-in", 2);
        int n = 400;
        try (KafkaProducer<String, String> p = producer()) {
            for (int i = 0; i < n; i++) {
                ProducerRecord<String, String> r = new ProducerRecord<>("snk-in", "k" + (i % 5), "v" + i);
                r.headers().add("seq", String.valueOf(i).getBytes(StandardCharsets.UTF_8));
                r.headers().add("trace", ("t" + i).getBytes(StandardCharsets.UTF_8));
                p.send(r);
            }
        }
        Map<String, String> c = common(SINK_CLASS,
                "topics", "snk-in",
                "nats.subject.template", "snk.{topic}.{key}",
                "nats.publish.max.outstanding", "64");
        createConnector("snk-e2e", c);

        List<Message> messages = readStream("SNK", "snk.>", n, Duration.ofSeconds(60));
        assertEquals(n, messages.size());
        Map<String, Integer> last = new HashMap<>();
        for (Message m : messages) {
            Headers h = m.getHeaders();
            int seq = Integer.parseInt(h.getFirst("seq"));
            String key = "k" + (seq % 5);
            assertEquals("snk.snk-in." + key, m.getSubject());
            assertEquals(key, HeaderCodec.decode(m, m.getSubject(), true).key().orElse(null));
            assertEquals("t" + seq, h.getFirst("trace"));
            assertEquals("v" + seq, new String(m.getData(), StandardCharsets.UTF_8));
            assertNotNull(h.getFirst("Nats-Msg-Id"));
            assertTrue(h.getFirst("Nats-Msg-Id").startsWith("snk-in-"), h.getFirst("Nats-Msg-Id"));
            Integer previous = last.put(m.getSubject(), seq);
            assertTrue(previous == null || previous < seq, "order broken on " + m.getSubject());
        }
        assertEquals(n, streamCount("SNK"));
        deleteConnector("snk-e2e");
    }

    /** A record with key {@code k} and the header {@code seq}, the number the feeder gave it. */
    private static ProducerRecord<String, String> record(String topic, String value, int seq) {
        ProducerRecord<String, String> r = new ProducerRecord<>(topic, "k", value);
        r.headers().add("seq", String.valueOf(seq).getBytes(StandardCharsets.UTF_8));
        return r;
    }

    private KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.address());
        p.put("enable.idempotence", "true");
        p.put("acks", "all");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    @Test
    @Order(4)
    @DisplayName("bad configs are rejected by the REST validate endpoint, per field")
    void validateThroughRest() throws Exception {
        Map<String, String> c = common(SOURCE_CLASS, "name", "bad-source");
        c.putAll(ValidationTest.CROSS_FIELD_ERRORS);
        Map<String, List<String>> errors = validate(SOURCE_CLASS, c);
        System.out.println("validate errors (source): " + errors);
        ValidationTest.assertCrossFieldErrors(errors);

        Map<String, String> s = common(SINK_CLASS,
                "name", "bad-sink",
                "topics", "x",
                "nats.subject.template", "out.{value}",
                "nats.publish.max.outstanding", "0");
        Map<String, List<String>> sinkErrors = validate(SINK_CLASS, s);
        System.out.println("validate errors (sink): " + sinkErrors);
        assertEquals(List.of("Invalid value out.{value} for configuration nats.subject.template: unknown placeholder "
                + "{value}: use {topic}, {partition}, {key} or {header:NAME}"), sinkErrors.get("nats.subject.template"));
        // a deprecated name is checked as the key it stands for
        assertEquals(List.of("Invalid value 0 for configuration nats.publish.window: must be between 1 and 1000000"),
                sinkErrors.get("nats.publish.window"), sinkErrors.toString());
    }

    @Test
    @Order(5)
    @DisplayName("a two-way deployment with loop prevention does not echo")
    void twoWayDoesNotEcho() throws Exception {
        createStream("LOOP", "loop.>");
        createTopic("loop", 1);
        Map<String, String> sink = common(SINK_CLASS,
                "topics", "loop",
                "nats.subject.template", "loop.from-kafka",
                "bridge.id", "site-a-sink",
                "bridge.origin.skip", "site-a-source");
        createConnector("loop-sink", sink);
        Map<String, String> source = common(SOURCE_CLASS,
                "nats.subjects", "loop.>",
                "kafka.topic.template", "loop",
                "bridge.id", "site-a-source",
                "bridge.origin.skip", "site-a-sink");
        createConnector("loop-source", source);

        int n = 20;
        try (KafkaProducer<String, String> p = producer()) {
            for (int i = 0; i < n; i++) {
                p.send(new ProducerRecord<>("loop", "kafka-" + i, "from kafka " + i));
            }
        }
        JetStream js = nc.jetStream();
        for (int i = 0; i < n; i++) {
            js.publish("loop.native", ("from nats " + i).getBytes(StandardCharsets.UTF_8));
        }
        // Each side gets its own n plus the other side's n, once; an echo would keep growing both.
        awaitUpTo(Duration.ofSeconds(60), () -> streamCount("LOOP") >= 2L * n);
        List<ConsumerRecord<byte[], byte[]>> kafkaSide = readKafka(List.of("loop"), 2 * n, Duration.ofSeconds(60));
        Thread.sleep(5_000);   // time for an echo to show up, if there were one
        assertEquals(2L * n, streamCount("LOOP"), "NATS side");
        kafkaSide = readKafka(List.of("loop"), 2 * n + 1, Duration.ofSeconds(3));
        assertEquals(2 * n, kafkaSide.size(), "Kafka side");
        deleteConnector("loop-sink");
        deleteConnector("loop-source");
    }

    @Test
    @Order(20)
    @DisplayName("killing the worker mid-stream loses nothing; duplicates are bounded by what was in flight")
    void workerCrash() throws Exception {
        int n = 3000;
        int maxAckPending = 200;
        createStream("CRASH", "crash.>");
        createStream("CRASHSINK", "crashsink.>");
        createTopic("crash-in", 1);
        // Exactly-once source: one task, the stored offset is authoritative on restart.
        Map<String, String> eos = common(SOURCE_CLASS,
                "nats.subjects", "crash.>",
                "kafka.topic.template", "crash-eos",
                "nats.max.ack.pending", String.valueOf(maxAckPending),
                "batch.max.records", "100",
                "exactly.once.support", "required");
        createConnector("crash-eos", eos);
        // At-least-once source: two pull members of one durable (no seek, the durable's acks decide).
        Map<String, String> members = common(SOURCE_CLASS,
                "nats.subjects", "crash.>",
                "kafka.topic.template", "crash-members",
                "nats.max.ack.pending", String.valueOf(maxAckPending),
                "batch.max.records", "100",
                "tasks.max", "2");
        members.put("nats.ack.wait.ms", "10000");   // a dead member's unacked messages come back after this
        createConnector("crash-members", members);
        Map<String, String> sink = common(SINK_CLASS,
                "topics", "crash-in",
                "nats.subject.template", "crashsink.out",
                "nats.publish.max.outstanding", "100");
        createConnector("crash-sink", sink);

        // A core subscription sees every publish, also those JetStream drops as duplicates (same Nats-Msg-Id).
        AtomicInteger published = new AtomicInteger();
        io.nats.client.Dispatcher counter = nc.createDispatcher(m -> published.incrementAndGet());
        counter.subscribe("crashsink.>");

        // Feed both directions for ~10 s while the worker runs; kill it about half way.
        AtomicInteger fed = new AtomicInteger();
        JetStream js = nc.jetStream();
        try (KafkaProducer<String, String> p = producer()) {
            Thread feeder = startFeeder("it-feeder", n, Duration.ofMillis(150), i -> {
                js.publish("crash.m", new Headers().add("seq", String.valueOf(i)),
                        ("c" + i).getBytes(StandardCharsets.UTF_8));
                p.send(record("crash-in", "c" + i, i));
                fed.incrementAndGet();
            });
            awaitUpTo(Duration.ofSeconds(60), () -> streamCount("CRASHSINK") >= n / 2);
            worker.kill();
            System.out.println("killed the worker after " + fed.get() + " fed, " + streamCount("CRASHSINK")
                    + " in CRASHSINK");
            worker.restart();
            feeder.join();
        }
        awaitRunning("crash-eos");
        awaitRunning("crash-members");
        awaitRunning("crash-sink");

        int eosDuplicates = assertAllArrived("crash-eos", n, 0);
        int memberDuplicates = assertAllArrived("crash-members", n, 2 * maxAckPending);
        System.out.println("duplicates after the crash: exactly-once source " + eosDuplicates
                + ", at-least-once members " + memberDuplicates);

        // Sink: every record stored exactly once thanks to Nats-Msg-Id, even though some were re-published.
        awaitUpTo(Duration.ofSeconds(90), () -> streamCount("CRASHSINK") >= n);
        Thread.sleep(3_000);
        List<Message> stored = readStream("CRASHSINK", "crashsink.>", n + 1, Duration.ofSeconds(5));
        Set<String> seqs = new HashSet<>();
        stored.forEach(m -> seqs.add(m.getHeaders().getFirst("seq")));
        nc.closeDispatcher(counter);
        System.out.println("sink after crash: " + published.get() + " published, " + (published.get() - stored.size())
                + " of them re-published after the crash and dropped by JetStream as duplicates; "
                + stored.size() + " stored, " + seqs.size() + " distinct");
        assertEquals(n, seqs.size(), "sink lost records");
        assertEquals(n, stored.size(), "sink stored duplicates despite Nats-Msg-Id");
        int previous = -1;
        for (Message m : stored) {
            int seq = Integer.parseInt(m.getHeaders().getFirst("seq"));
            assertTrue(seq > previous, "sink order broken: " + previous + " then " + seq);
            previous = seq;
        }
    }

    @Test
    @Order(21)
    @DisplayName("killing a worker without exactly-once support loses nothing (at-least-once source, one task)")
    void workerCrashWithoutExactlyOnce() throws Exception {
        int n = 2000;
        int maxAckPending = 200;
        createStream("ALO", "alo.>");
        // A second worker, as Connect runs by default: no transactions, offsets flushed every second. The source
        // acks a NATS message only after Kafka acknowledged its record, so what the crash cuts off is redelivered.
        try (EmbeddedConnect plain = BridgeWorker.builder(kafka.address(), "it-worker-at-least-once")
                .expectPlugins(SOURCE_CLASS, SINK_CLASS)
                .start()) {
            Map<String, String> source = common(SOURCE_CLASS,
                    "nats.subjects", "alo.>",
                    "kafka.topic.template", "alo-out",
                    "nats.max.ack.pending", String.valueOf(maxAckPending),
                    "batch.max.records", "100");
            plain.rest().createConnector("alo-source", source, RUNNING_TIMEOUT);

            AtomicInteger fed = new AtomicInteger();
            JetStream js = nc.jetStream();
            Thread feeder = startFeeder("it-feeder-alo", n, Duration.ofMillis(100), i -> {
                js.publish("alo.m", new Headers().add("seq", String.valueOf(i)),
                        ("a" + i).getBytes(StandardCharsets.UTF_8));
                fed.incrementAndGet();
            });
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            awaitUpTo(Duration.ofSeconds(60), () -> fed.get() >= n / 2);
            // Kill while messages are delivered but not acked (on their way to Kafka): the window the crash must
            // not lose.
            JetStreamManagement jsm = nc.jetStreamManagement();
            String durable = jsm.getConsumerNames("ALO").get(0);
            long pending = 0;
            while (pending == 0 && System.nanoTime() < deadline) {
                pending = jsm.getConsumerInfo("ALO", durable).getNumAckPending();
            }
            assertTrue(pending > 0, "nothing in flight to kill the worker in");
            plain.kill();
            System.out.println("killed the at-least-once worker after " + fed.get() + " fed, " + pending
                    + " delivered and not acked");
            plain.restart();
            feeder.join();
            plain.rest().awaitRunning("alo-source", RUNNING_TIMEOUT);
            int duplicates = assertAllArrived("alo-out", n, 2 * maxAckPending);
            System.out.println("duplicates after the crash without exactly-once: " + duplicates);
        }
    }

    @Test
    @Order(6)
    @DisplayName("a record the sink cannot send goes to the dead letter queue, the others are published")
    void sinkDeadLetters() throws Exception {
        createStream("DLQ", "dlq.>");
        createTopic("dlq-in", 1);
        try (KafkaProducer<String, String> p = producer()) {
            p.send(new ProducerRecord<>("dlq-in", "a", "first"));
            p.send(new ProducerRecord<>("dlq-in", null, "no key: {key} cannot be filled"));
            p.send(new ProducerRecord<>("dlq-in", "b", "third"));
        }
        Map<String, String> c = common(SINK_CLASS,
                "topics", "dlq-in",
                "nats.subject.template", "dlq.{key}",
                "errors.tolerance", "all",
                "errors.deadletterqueue.topic.name", "dlq-dead",
                "errors.deadletterqueue.topic.replication.factor", "1",
                "errors.deadletterqueue.context.headers.enable", "true");
        createConnector("dlq-sink", c);
        List<Message> stored = readStream("DLQ", "dlq.>", 2, Duration.ofSeconds(30));
        assertEquals(List.of("dlq.a", "dlq.b"), stored.stream().map(Message::getSubject).toList());
        List<ConsumerRecord<byte[], byte[]>> dead = readKafka(List.of("dlq-dead"), 1, Duration.ofSeconds(30));
        assertEquals(1, dead.size());
        assertEquals("no key: {key} cannot be filled", new String(dead.get(0).value(), StandardCharsets.UTF_8));
        String reason = text(dead.get(0), "__connect.errors.exception.message");
        assertNotNull(reason);
        assertTrue(reason.contains("has no key"), reason);
        deleteConnector("dlq-sink");
    }

    @Test
    @Order(7)
    @DisplayName("core NATS mode (at-most-once) forwards what is published while it runs")
    void coreMode() throws Exception {
        Map<String, String> c = common(SOURCE_CLASS,
                "nats.mode", "core",
                "nats.subjects", "core.>",
                "kafka.topic.template", "core-out",
                "kafka.key.source", "header",
                "kafka.key.header", "id");
        createConnector("core-source", c);
        // Core NATS keeps nothing for a subscriber that is not there yet: publish probes until one comes through,
        // which proves the task's subscription is live, then the 50 that must all arrive.
        int probes = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (readKafka(List.of("core-out"), 1, Duration.ofSeconds(3)).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "the core-mode source never forwarded a probe");
            nc.publish("core.probe", new Headers().add("id", "probe-" + probes++), new byte[0]);
            nc.flush(Duration.ofSeconds(5));
        }
        for (int i = 0; i < 50; i++) {
            nc.publish("core.x", new Headers().add("id", "id" + i), ("c" + i).getBytes(StandardCharsets.UTF_8));
        }
        nc.flush(Duration.ofSeconds(5));
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (records.size() < 50 && System.nanoTime() < deadline) {
            records = readKafka(List.of("core-out"), probes + 50, Duration.ofSeconds(2)).stream()
                    .filter(r -> !key(r).startsWith("probe-")).toList();
        }
        assertEquals(50, records.size());
        for (int i = 0; i < 50; i++) {
            assertEquals("id" + i, key(records.get(i)));
        }
        deleteConnector("core-source");
    }

    @Test
    @Order(30)
    @DisplayName("a NATS restart under the sink is retried: every record stored once, the task keeps running")
    void natsRestartUnderTheSink() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(nats.canRestart(), "needs an embedded NATS");
        int n = 1000;
        createStream("RESTART", "restart.>");
        createTopic("restart-in", 1);
        Map<String, String> c = common(SINK_CLASS,
                "topics", "restart-in",
                "nats.subject.template", "restart.out",
                "nats.publish.ack.timeout.ms", "2000",
                "retry.backoff.ms", "500");
        createConnector("restart-sink", c);
        try (KafkaProducer<String, String> p = producer()) {
            Thread feeder = startFeeder("it-restart-feeder", n, Duration.ofMillis(200),
                    i -> p.send(record("restart-in", "r" + i, i)));
            awaitUpTo(Duration.ofSeconds(60), () -> streamCount("RESTART") >= n / 4);
            nats.restart();
            System.out.println("restarted NATS under the sink");
            feeder.join();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (streamCount("RESTART") >= n) {
                    break;
                }
            } catch (IOException | IllegalStateException e) {
                // our own connection is still reconnecting
            }
            Thread.sleep(200);
        }
        Thread.sleep(2_000);
        List<Message> stored = readStream("RESTART", "restart.>", n + 1, Duration.ofSeconds(5));
        Set<String> seqs = new HashSet<>();
        stored.forEach(m -> seqs.add(m.getHeaders().getFirst("seq")));
        System.out.println("sink across a NATS restart: " + stored.size() + " stored, " + seqs.size() + " distinct");
        assertEquals(n, seqs.size(), "records lost across the NATS restart");
        assertEquals(n, stored.size(), "records stored twice across the NATS restart");
        awaitRunning("restart-sink");
        deleteConnector("restart-sink");
    }

    /** Every seq 0..n-1 is in the topic (read_committed); returns the duplicates, asserting at most {@code bound}. */
    private int assertAllArrived(String topic, int n, int bound) {
        List<ConsumerRecord<byte[], byte[]>> out = readKafka(List.of(topic), n + bound + 1, Duration.ofSeconds(45));
        Set<String> distinct = new HashSet<>();
        out.forEach(r -> distinct.add(text(r, "seq")));
        int duplicates = out.size() - distinct.size();
        System.out.println(topic + " after the crash: " + out.size() + " records, " + distinct.size()
                + " distinct, " + duplicates + " duplicates (bound " + bound + ")");
        assertEquals(n, distinct.size(), topic + " lost messages");
        assertTrue(duplicates <= bound, topic + ": " + duplicates + " duplicates exceed the in-flight bound " + bound);
        return duplicates;
    }
}
