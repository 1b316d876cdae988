package io.relaybus.bridge;

import static io.relaybus.bridge.BridgeWorker.SINK_CLASS;
import static io.relaybus.bridge.BridgeWorker.SOURCE_CLASS;
import static io.relaybus.bridge.BridgeWorker.common;
import static io.relaybus.bridge.BridgeWorker.createStream;
import static io.relaybus.bridge.BridgeWorker.createTopic;
import static io.relaybus.bridge.BridgeWorker.nats;
import static io.relaybus.bridge.BridgeWorker.readKafka;
import static io.relaybus.bridge.BridgeWorker.readStream;
import static io.relaybus.bridge.BridgeWorker.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.JetStream;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.relaybus.embedded.EmbeddedConnect;
import io.relaybus.embedded.TestBrokers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Gap 11: a Connect cluster of two workers (the shared {@link BridgeWorker} and a second one joining its group), both
 * connectors with two tasks spread over both; the second worker is killed (-9) mid-stream in both directions. The
 * tasks move to the survivor; nothing is lost, the exactly-once source writes no duplicate and the sink stores every
 * record once. Tagged {@code cluster} (a second worker and a session timeout): runs with {@code -Pcluster}.
 */
@Tag("cluster")
class BridgeScaleOutIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @Test
    @DisplayName("two workers, one killed mid-stream in each direction: tasks move, 0 lost, 0 duplicates")
    void killOneOfTwoWorkers() throws Exception {
        EmbeddedConnect first = BridgeWorker.worker();
        int port = URI.create(first.restUrl()).getPort();
        List<String> internal = first.internalTopics();
        int n = 2000;
        createStream("SCALE", "scale.>");
        createStream("SCALESINK", "scalesink.>");
        createTopic("scale-in", 2);
        try (EmbeddedConnect second = EmbeddedConnect.builder(TestBrokers.kafka().address())
                .directory(Path.of(System.getProperty("bridge.build.dir", "target"), "it-worker-2"))
                .pluginArchive(Path.of(System.getProperty("bridge.plugin.archive", "target/missing.zip")))
                .workerProperty("group.id", "relaybus-connect-" + port)
                .workerProperty("config.storage.topic", internal.get(0))
                .workerProperty("offset.storage.topic", internal.get(1))
                .workerProperty("status.storage.topic", internal.get(2))
                .workerProperty("exactly.once.source.support", "enabled")
                .jvmArg("-XX:TieredStopAtLevel=1")
                .expectPlugins(SOURCE_CLASS, SINK_CLASS)
                .start()) {
            Map<String, String> source = common(SOURCE_CLASS);
            source.put("tasks.max", "2");
            source.put("nats.subjects", "scale.a,scale.b");
            source.put("kafka.topic.template", "scale-out");
            source.put("exactly.once.support", "required");
            source.put("batch.max.records", "100");
            first.rest().createConnector("scale-source", source, TIMEOUT);
            Map<String, String> sink = common(SINK_CLASS);
            sink.put("tasks.max", "2");
            sink.put("topics", "scale-in");
            sink.put("nats.subject.template", "scalesink.{partition}");
            first.rest().createConnector("scale-sink", sink, TIMEOUT);
            String secondId = "127.0.0.1:" + URI.create(second.restUrl()).getPort();
            awaitTasksOn("scale-source", secondId);
            awaitTasksOn("scale-sink", secondId);

            AtomicInteger fed = new AtomicInteger();
            Thread feeder = new Thread(() -> {
                Properties p = new Properties();
                p.put("bootstrap.servers", TestBrokers.kafka().address());
                p.put("enable.idempotence", "true");
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                        new StringSerializer())) {
                    JetStream js = nats().jetStream();
                    for (int i = 0; i < n; i++) {
                        js.publish(i % 2 == 0 ? "scale.a" : "scale.b", new Headers().add("seq", String.valueOf(i)),
                                ("s" + i).getBytes(StandardCharsets.UTF_8));
                        ProducerRecord<String, String> r = new ProducerRecord<>("scale-in", "k" + (i % 7), "s" + i);
                        r.headers().add("seq", String.valueOf(i).getBytes(StandardCharsets.UTF_8));
                        producer.send(r);
                        fed.incrementAndGet();
                        if (i % 50 == 0) {
                            Thread.sleep(100);
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "it-scale-feeder");
            feeder.start();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (fed.get() < n / 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            second.kill();
            System.out.println("killed the second worker after " + fed.get() + " fed");
            feeder.join();
            awaitTasksOn("scale-source", null);
            awaitTasksOn("scale-sink", null);

            List<ConsumerRecord<byte[], byte[]>> out = readKafka(List.of("scale-out"), n + 1, Duration.ofSeconds(60));
            Set<String> distinct = new HashSet<>();
            out.forEach(r -> distinct.add(text(r, "seq")));
            deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (nats().jetStreamManagement().getStreamInfo("SCALESINK").getStreamState().getMsgCount() < n
                    && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            List<Message> stored = readStream("SCALESINK", "scalesink.>", n + 1, Duration.ofSeconds(10));
            Set<String> storedDistinct = new HashSet<>();
            stored.forEach(m -> storedDistinct.add(m.getHeaders().getFirst("seq")));
            System.out.println("two workers, one killed: source " + out.size() + " records, " + distinct.size()
                    + " distinct; sink " + stored.size() + " stored, " + storedDistinct.size() + " distinct");
            assertEquals(n, distinct.size(), "source lost messages");
            assertEquals(n, out.size(), "the exactly-once source wrote duplicates");
            assertEquals(n, storedDistinct.size(), "sink lost records");
            assertEquals(n, stored.size(), "sink stored duplicates");
            first.rest().deleteConnector("scale-source");
            first.rest().deleteConnector("scale-sink");
        }
    }

    /**
     * Waits until every task of {@code connector} runs and, with {@code worker} set, at least one runs there; with
     * {@code null}, until all run on the shared worker.
     */
    private static void awaitTasksOn(String connector, String worker) throws Exception {
        String survivor = "127.0.0.1:" + URI.create(BridgeWorker.worker().restUrl()).getPort();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        JsonNode status = null;
        while (System.nanoTime() < deadline) {
            status = BridgeWorker.status(connector);
            JsonNode tasks = status.get("tasks");
            boolean allRunning = tasks != null && tasks.size() == 2;
            boolean placed = worker == null;
            for (int i = 0; tasks != null && i < tasks.size(); i++) {
                allRunning &= "RUNNING".equals(tasks.get(i).get("state").asText());
                String on = tasks.get(i).get("worker_id").asText();
                placed |= on.equals(worker);
                if (worker == null) {
                    allRunning &= on.equals(survivor);
                }
            }
            if (allRunning && placed) {
                return;
            }
            Thread.sleep(300);
        }
        assertTrue(false, connector + ": tasks not placed as expected: " + status);
    }
}
