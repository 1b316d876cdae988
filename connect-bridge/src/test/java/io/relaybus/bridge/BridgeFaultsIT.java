package io.relaybus.bridge;

import static io.relaybus.bridge.BridgeWorker.SINK_CLASS;
import static io.relaybus.bridge.BridgeWorker.SOURCE_CLASS;
import static io.relaybus.bridge.BridgeWorker.awaitTaskState;
import static io.relaybus.bridge.BridgeWorker.common;
import static io.relaybus.bridge.BridgeWorker.createStream;
import static io.relaybus.bridge.BridgeWorker.nats;
import static io.relaybus.bridge.BridgeWorker.readKafka;
import static io.relaybus.bridge.BridgeWorker.readStream;
import static io.relaybus.bridge.BridgeWorker.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.relaybus.embedded.EmbeddedNats;
import io.relaybus.nats.support.HeaderCodec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Faults and bad input through the shared forked Connect worker ({@link BridgeWorker}): what a user sees in the REST
 * status and the worker log, and what is kept.
 */
@Tag("broker")
class BridgeFaultsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Test
    @DisplayName("gap 1: a password in nats.servers and a token never appear in the REST status or the worker log")
    void credentialsNeverShown() throws Exception {
        String secret = "Pw-" + UUID.randomUUID();
        String token = "Tk-" + UUID.randomUUID();
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        long mark = BridgeWorker.logMark();
        for (String connectorClass : List.of(SOURCE_CLASS, SINK_CLASS)) {
            String name = "cred-" + (connectorClass.equals(SOURCE_CLASS) ? "source" : "sink");
            BridgeWorker.putConfig(name, common(connectorClass,
                    "nats.servers", "nats://bridge:" + secret + "@127.0.0.1:" + closedPort,
                    "nats.token", token,
                    "nats.connect.timeout.ms", "500",
                    "nats.reconnect.wait.ms", "200",
                    "nats.connect.retry.max.ms", "3000",
                    connectorClass.equals(SOURCE_CLASS) ? "nats.subjects" : "topics", "cred"));
            JsonNode task = awaitTaskState(name, "FAILED", TIMEOUT);
            String trace = task.get("trace").asText();
            System.out.println(name + " trace: " + trace.lines().findFirst().orElse(""));
            assertTrue(trace.contains("NATS could not be reached"), trace);
            assertTrue(trace.contains("nats://[hidden]@127.0.0.1:" + closedPort), trace);
            String everything = BridgeWorker.status(name).toString();
            assertFalse(everything.contains(secret), "password in the REST status: " + everything);
            assertFalse(everything.contains(token), "token in the REST status: " + everything);
            BridgeWorker.worker().rest().deleteConnector(name);
        }
        String log = BridgeWorker.log(mark);
        assertTrue(log.contains("NATS not reachable for relaybus-source-cred-source-0 (attempt 1)"), "no retry logged");
        assertFalse(log.contains(secret), "password in the worker log");
        assertFalse(log.contains(token), "token in the worker log");
    }

    @Test
    @DisplayName("gap 6: NATS unreachable when a task starts: it retries (logged) and runs once NATS is up")
    void natsUnreachableAtStart() throws Exception {
        try (EmbeddedNats late = EmbeddedNats.start()) {
            late.kill();
            long mark = BridgeWorker.logMark();
            BridgeWorker.putConfig("late-source", common(SOURCE_CLASS,
                    "nats.servers", late.address(),
                    "nats.subjects", "late.>",
                    "kafka.topic.template", "late-out",
                    "nats.connect.timeout.ms", "500",
                    "nats.reconnect.wait.ms", "200",
                    "nats.connect.retry.max.ms", "120000"));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!BridgeWorker.log(mark).contains("NATS not reachable for relaybus-source-late-source-0 (attempt 3)")
                    && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertTrue(BridgeWorker.log(mark).contains("(attempt 3)"), "no retries logged");
            assertEquals("RUNNING", BridgeWorker.status("late-source").get("tasks").get(0).get("state").asText(),
                    "the task must keep trying, not fail");

            late.restart();
            try (Connection lateNats = Nats.connect(late.address())) {
                lateNats.jetStreamManagement().addStream(StreamConfiguration.builder().name("LATE")
                        .subjects("late.>").storageType(StorageType.File).build());
                lateNats.jetStream().publish("late.m", "hello".getBytes(StandardCharsets.UTF_8));
                List<ConsumerRecord<byte[], byte[]>> out = readKafka(List.of("late-out"), 1, TIMEOUT);
                assertEquals(1, out.size(), "nothing mirrored after NATS came up");
                assertEquals("hello", new String(out.get(0).value(), StandardCharsets.UTF_8));
            }
            assertTrue(BridgeWorker.log(mark).contains("relaybus-source-late-source-0 connected to NATS on attempt"));
            BridgeWorker.worker().rest().deleteConnector("late-source");
        }
    }

    @Test
    @DisplayName("gap 4: a stored offset beyond a re-created stream is detected, logged, and read from the start")
    void offsetBeyondRecreatedStream() throws Exception {
        createStream("RESET", "reset.>");
        JetStream js = nats().jetStream();
        for (int i = 0; i < 5; i++) {
            js.publish("reset.m", new Headers().add("seq", String.valueOf(i)), new byte[] {(byte) i});
        }
        BridgeWorker.worker().rest().createConnector("reset-source", common(SOURCE_CLASS,
                "nats.subjects", "reset.>", "kafka.topic.template", "reset-out"), TIMEOUT);
        assertEquals(5, readKafka(List.of("reset-out"), 5, TIMEOUT).size());
        Thread.sleep(2_000);   // offsets flushed (offset.flush.interval.ms=1000; exactly-once commits them anyway)
        BridgeWorker.stopConnector("reset-source");

        nats().jetStreamManagement().deleteStream("RESET");
        createStream("RESET", "reset.>");
        for (int i = 5; i < 8; i++) {
            js.publish("reset.m", new Headers().add("seq", String.valueOf(i)), new byte[] {(byte) i});
        }
        long mark = BridgeWorker.logMark();
        BridgeWorker.call("PUT", "/connectors/reset-source/resume", null);
        List<ConsumerRecord<byte[], byte[]>> out = readKafka(List.of("reset-out"), 8, TIMEOUT);
        Set<String> seqs = new TreeSet<>();
        out.forEach(r -> seqs.add(text(r, "seq")));
        assertEquals(Set.of("0", "1", "2", "3", "4", "5", "6", "7"), seqs, "messages of the new stream were skipped");
        assertTrue(BridgeWorker.log(mark).contains("is beyond its stream: stream RESET was created again"),
                "no WARN about the stored offset");
        BridgeWorker.worker().rest().deleteConnector("reset-source");
    }

    @Test
    @DisplayName("gap 5: errors.tolerance=all: unconvertible and oversized messages are logged, dead-lettered to NATS "
            + "and skipped; the others are mirrored")
    void unconvertibleMessagesTolerated() throws Exception {
        createStream("UNCONV", "unconv.>");
        createStream("UNDEAD", "undead");
        BridgeWorker.worker().rest().createConnector("unconv-source", common(SOURCE_CLASS,
                "nats.subjects", "unconv.>",
                "kafka.topic.template", "unconv-{3}",
                "kafka.max.record.bytes", "2000",
                "errors.tolerance", "all",
                "nats.dead.letter.subject", "undead"), TIMEOUT);
        JetStream js = nats().jetStream();
        js.publish("unconv.short", "no third token".getBytes(StandardCharsets.UTF_8));
        js.publish("unconv.a.big", new byte[5000]);
        js.publish("unconv.a.ok", "fine".getBytes(StandardCharsets.UTF_8));

        List<ConsumerRecord<byte[], byte[]>> out = readKafka(List.of("unconv-ok"), 1, TIMEOUT);
        assertEquals(1, out.size());
        List<Message> dead = readStream("UNDEAD", "undead", 2, TIMEOUT);
        assertEquals(2, dead.size());
        Map<String, String> reasons = new java.util.HashMap<>();
        for (Message m : dead) {
            var letter = HeaderCodec.decode(m, "undead", true);
            reasons.put(letter.headers().get(NatsSourceTask.ERROR_SUBJECT_HEADER),
                    letter.headers().get(NatsSourceTask.ERROR_HEADER));
        }
        assertTrue(reasons.get("unconv.short").contains("refers to token 3"), reasons.toString());
        assertTrue(reasons.get("unconv.a.big").contains("above 2000"), reasons.toString());
        assertEquals("RUNNING", BridgeWorker.status("unconv-source").get("tasks").get(0).get("state").asText());
        BridgeWorker.worker().rest().deleteConnector("unconv-source");
    }

    @Test
    @DisplayName("gap 5: errors.tolerance=none: an unconvertible message fails the task once, naming subject and "
            + "sequence, and stays unacknowledged")
    void unconvertibleMessageFailsOnce() throws Exception {
        createStream("STRICT", "strict.>");
        BridgeWorker.worker().rest().createConnector("strict-source", common(SOURCE_CLASS,
                "nats.subjects", "strict.>", "kafka.topic.template", "strict-{3}"), TIMEOUT);
        nats().jetStream().publish("strict.x", "two tokens".getBytes(StandardCharsets.UTF_8));
        JsonNode task = awaitTaskState("strict-source", "FAILED", TIMEOUT);
        String trace = task.get("trace").asText();
        assertTrue(trace.contains("NATS message strict.x (stream STRICT, sequence 1) cannot be mirrored"), trace);
        assertTrue(trace.contains("errors.tolerance=all"), trace);
        String durable = nats().jetStreamManagement().getConsumerNames("STRICT").get(0);
        assertEquals(0, nats().jetStreamManagement().getConsumerInfo("STRICT", durable).getAckFloor()
                .getStreamSequence(), "the message must not be acknowledged");
        BridgeWorker.worker().rest().deleteConnector("strict-source");
    }
}
