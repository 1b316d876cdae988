package io.relaybus.bridge;

import static io.relaybus.bridge.BridgeWorker.SINK_CLASS;
import static io.relaybus.bridge.BridgeWorker.SOURCE_CLASS;
import static io.relaybus.bridge.BridgeWorker.call;
import static io.relaybus.bridge.BridgeWorker.common;
import static io.relaybus.bridge.BridgeWorker.createStream;
import static io.relaybus.bridge.BridgeWorker.createTopic;
import static io.relaybus.bridge.BridgeWorker.nats;
import static io.relaybus.bridge.BridgeWorker.readKafka;
import static io.relaybus.bridge.BridgeWorker.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.JetStream;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.relaybus.embedded.TestBrokers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Operations through the shared forked worker: the offsets API (gap 8) and the connector metrics over JMX (gap 9). */
@Tag("broker")
class BridgeOpsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Test
    @DisplayName("gap 8 and 9: source offsets rewound through PATCH replay from there, DELETE replays everything; "
            + "the task's metrics are read over JMX")
    void sourceOffsetsAndMetrics() throws Exception {
        createStream("OFFS", "offs.>");
        JetStream js = nats().jetStream();
        for (int i = 0; i < 5; i++) {
            js.publish("offs.m", new Headers().add("seq", String.valueOf(i)), ("o" + i).getBytes(StandardCharsets.UTF_8));
        }
        Map<String, String> c = common(SOURCE_CLASS);
        c.put("nats.subjects", "offs.>");
        c.put("kafka.topic.template", "offs-out");
        BridgeWorker.worker().rest().createConnector("offs-source", c, TIMEOUT);
        assertEquals(5, readKafka(List.of("offs-out"), 5, TIMEOUT).size());

        Map<String, Object> metrics = awaitMetric("offs-source", "records-mirrored-total", 5.0);
        System.out.println("offs-source metrics over JMX: " + metrics);
        assertEquals(5.0, ((Number) metrics.get("records-mirrored-total")).doubleValue());
        assertEquals(10.0, ((Number) metrics.get("bytes-mirrored-total")).doubleValue());
        assertEquals(0.0, ((Number) metrics.get("errors-total")).doubleValue());
        assertTrue(metrics.containsKey("pending") && metrics.containsKey("reconnects-total")
                && metrics.containsKey("origin-skipped-total"), metrics.toString());

        Thread.sleep(2_000);   // the last offsets flushed
        BridgeWorker.stopConnector("offs-source");
        JsonNode stored = BridgeWorker.JSON.readTree(call("GET", "/connectors/offs-source/offsets", null));
        assertEquals(5, stored.get("offsets").get(0).get("offset").get("seq").asInt(), stored.toString());
        call("PATCH", "/connectors/offs-source/offsets", "{\"offsets\":[{\"partition\":{\"stream\":\"OFFS\","
                + "\"subject\":\"offs.>\"},\"offset\":{\"seq\":2}}]}");
        call("PUT", "/connectors/offs-source/resume", null);
        List<ConsumerRecord<byte[], byte[]>> out = readKafka(List.of("offs-out"), 8, TIMEOUT);
        assertEquals(List.of("0", "1", "2", "3", "4", "2", "3", "4"), out.stream().map(r -> text(r, "seq")).toList(),
                "rewinding to sequence 2 replays 3..5");

        Thread.sleep(2_000);
        BridgeWorker.stopConnector("offs-source");
        call("DELETE", "/connectors/offs-source/offsets", null);
        call("PUT", "/connectors/offs-source/resume", null);
        assertEquals(13, readKafka(List.of("offs-out"), 13, TIMEOUT).size(), "a reset replays the whole stream");
        BridgeWorker.worker().rest().deleteConnector("offs-source");
    }

    @Test
    @DisplayName("gap 8: sink offsets rewound through PATCH republish from there (stored again once the stream's "
            + "duplicate window has passed)")
    void sinkOffsets() throws Exception {
        nats().jetStreamManagement().addStream(StreamConfiguration.builder().name("OFFSINK").subjects("offsink")
                .storageType(StorageType.File).duplicateWindow(Duration.ofSeconds(1)).build());
        createTopic("offsink-in", 1);
        Properties p = new Properties();
        p.put("bootstrap.servers", TestBrokers.kafka().address());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>("offsink-in", "k", "v" + i)).get();
            }
        }
        Map<String, String> c = common(SINK_CLASS);
        c.put("topics", "offsink-in");
        c.put("nats.subject.template", "offsink");
        BridgeWorker.worker().rest().createConnector("offsink", c, TIMEOUT);
        awaitCount("OFFSINK", 5);
        Thread.sleep(2_000);   // committed, and past the duplicate window
        BridgeWorker.stopConnector("offsink");
        call("PATCH", "/connectors/offsink/offsets", "{\"offsets\":[{\"partition\":{\"kafka_topic\":\"offsink-in\","
                + "\"kafka_partition\":0},\"offset\":{\"kafka_offset\":3}}]}");
        call("PUT", "/connectors/offsink/resume", null);
        awaitCount("OFFSINK", 7);
        BridgeWorker.worker().rest().deleteConnector("offsink");
    }

    private static void awaitCount(String stream, long expected) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        long count = 0;
        while (System.nanoTime() < deadline) {
            count = nats().jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount();
            if (count >= expected) {
                break;
            }
            Thread.sleep(200);
        }
        Thread.sleep(1_000);
        assertEquals(expected, nats().jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount());
    }

    /** The plugin metrics of task 0 of {@code connector}, read over JMX once {@code metric} reached {@code at}. */
    private static Map<String, Object> awaitMetric(String connector, String metric, double at) throws Exception {
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + BridgeWorker.jmxPort()
                + "/jmxrmi");
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        Map<String, Object> values = new HashMap<>();
        try (JMXConnector jmx = JMXConnectorFactory.connect(url)) {
            MBeanServerConnection server = jmx.getMBeanServerConnection();
            while (System.nanoTime() < deadline) {
                values.clear();
                Set<ObjectName> names = server.queryNames(new ObjectName("kafka.connect:type=plugins,*"), null);
                for (ObjectName name : names) {
                    if (!connector.equals(name.getKeyProperty("connector"))) {
                        continue;
                    }
                    for (var attribute : server.getMBeanInfo(name).getAttributes()) {
                        values.put(attribute.getName(), server.getAttribute(name, attribute.getName()));
                    }
                }
                if (values.get(metric) instanceof Number n && n.doubleValue() >= at) {
                    return values;
                }
                Thread.sleep(500);
            }
        }
        throw new AssertionError("metric " + metric + " of " + connector + " did not reach " + at + " over JMX: "
                + values);
    }
}
