package io.relaybus.bridge;

import static io.relaybus.bridge.BridgeWorker.SINK_CLASS;
import static io.relaybus.bridge.BridgeWorker.SOURCE_CLASS;
import static io.relaybus.bridge.BridgeWorker.await;
import static io.relaybus.bridge.BridgeWorker.common;
import static io.relaybus.bridge.BridgeWorker.createStream;
import static io.relaybus.bridge.BridgeWorker.createTopic;
import static io.relaybus.bridge.BridgeWorker.kafkaBus;
import static io.relaybus.bridge.BridgeWorker.nats;
import static io.relaybus.bridge.BridgeWorker.natsBus;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.RetryPolicy;
import io.relaybus.api.StartPosition;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Gaps 2 and 3 through the shared forked worker: a bus subscriber on one side sees exactly the event a bus publisher
 * wrote on the other (id, key bytes, header bytes, timestamp), including non-ASCII and multi-line header values,
 * binary keys and the bus's own dead letters; an event published twice is stored once.
 */
@Tag("broker")
class BridgeIdentityIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final byte[] BINARY_KEY = {(byte) 0xff, 0, (byte) 0xc3, 0x28, '\n', ' '};
    private static final byte[] NOT_UTF8 = {(byte) 0xfe, (byte) 0xff, 0x00, 0x7f};
    private static final String MULTI_LINE = "first line\nsecond line\r\n\tat x.Y.z(Y.java:1) ";
    private static final Instant AT = Instant.parse("2026-03-04T05:06:07.891Z");

    private static Event sample(String topic, String id) {
        return Event.builder(topic).id(id).key(BINARY_KEY).header("multi", MULTI_LINE)
                .header("umlaut", "Grüße, €").header("raw", NOT_UTF8).header("plain", "ascii")
                .payload("payload " + id).timestamp(AT).build();
    }

    private static void assertSameEvent(Event sent, Event got) {
        assertEquals(sent.id(), got.id());
        assertArrayEquals(sent.keyBytes(), got.keyBytes(), "key bytes");
        for (String name : sent.headers().keySet()) {
            assertArrayEquals(sent.headerBytes(name), got.headerBytes(name), "header " + name);
        }
        assertEquals(sent.timestamp(), got.timestamp());
        assertArrayEquals(sent.payload(), got.payload());
    }

    @Test
    @DisplayName("Kafka bus to NATS bus: same id, key, headers and timestamp; a bus dead letter with a multi-line "
            + "error crosses too; an event published twice is stored once")
    void kafkaToNats() throws Exception {
        createStream("IDK", "idk.>");
        createTopic("idk-in", 1);
        BridgeWorker.worker().rest().createConnector("idk-sink", common(SINK_CLASS, "topics", "idk-in",
                "nats.subject.template", "idk.{topic}"), TIMEOUT);

        Queue<Event> received = new ConcurrentLinkedQueue<>();
        try (EventBus kafkaBus = EventBus.open(kafkaBus()); EventBus natsBus = EventBus.open(natsBus())) {
            Subscription s = natsBus.subscribe(SubscribeOptions.builder("idk.idk-in").group("identity")
                    .startFrom(StartPosition.EARLIEST).build(), received::add);
            s.ready().toCompletableFuture().get(60, TimeUnit.SECONDS);

            Event sent = sample("idk-in", "idk-1");
            kafkaBus.publish(sent).toCompletableFuture().get(30, TimeUnit.SECONDS);
            kafkaBus.publish(sent).toCompletableFuture().get(30, TimeUnit.SECONDS);   // a re-send: same id

            // A real dead letter of the Kafka bus, whose error message has several lines, into the bridged topic.
            Event poison = Event.builder("idk-poison").id("poison-1").key("p").payload("bad").build();
            Subscription failing = kafkaBus.subscribe(SubscribeOptions.builder("idk-poison").group("g")
                    .startFrom(StartPosition.EARLIEST).retry(RetryPolicy.none()).deadLetterTopic("idk-in").build(),
                    e -> {
                        throw new IllegalStateException(MULTI_LINE);
                    });
            failing.ready().toCompletableFuture().get(60, TimeUnit.SECONDS);
            kafkaBus.publish(poison).toCompletableFuture().get(30, TimeUnit.SECONDS);

            await("the event and the dead letter on the NATS bus", () -> received.size() >= 2, TIMEOUT);
            Thread.sleep(3_000);   // a duplicate, if stored, would arrive meanwhile
            List<Event> events = List.copyOf(received);
            assertEquals(2, events.size(), "the re-sent event must be stored once: " + events);
            Event got = events.stream().filter(e -> e.id().equals("idk-1")).findFirst().orElseThrow();
            assertSameEvent(sent, got);
            assertEquals("idk-sink", got.headers().get(Origins.HEADER));
            Event letter = events.stream().filter(e -> !e.id().equals("idk-1")).findFirst().orElseThrow();
            assertEquals("poison-1", letter.headers().get("relaybus.dlq.original.id"));
            assertEquals(MULTI_LINE, letter.headers().get("relaybus.dlq.error.message"));
            assertEquals(2, nats().jetStreamManagement().getStreamInfo("IDK").getStreamState().getMsgCount(),
                    "IDK must hold the event once, and the dead letter");
            failing.close();
        }
        BridgeWorker.worker().rest().deleteConnector("idk-sink");
    }

    @Test
    @DisplayName("NATS bus to Kafka bus: same id, key, headers and timestamp")
    void natsToKafka() throws Exception {
        createStream("IDN", "idn.>");
        BridgeWorker.worker().rest().createConnector("idn-source", common(SOURCE_CLASS, "nats.subjects", "idn.>",
                "kafka.topic.template", "idn-out"), TIMEOUT);

        Queue<Event> received = new ConcurrentLinkedQueue<>();
        try (EventBus kafkaBus = EventBus.open(kafkaBus()); EventBus natsBus = EventBus.open(natsBus())) {
            Event sent = sample("idn.orders", "idn-1");
            natsBus.publish(sent).toCompletableFuture().get(30, TimeUnit.SECONDS);
            natsBus.publish(sent).toCompletableFuture().get(30, TimeUnit.SECONDS);   // de-duplicated by JetStream
            Subscription s = kafkaBus.subscribe(SubscribeOptions.builder("idn-out").group("identity")
                    .startFrom(StartPosition.EARLIEST).build(), received::add);
            s.ready().toCompletableFuture().get(60, TimeUnit.SECONDS);
            await("the event on the Kafka bus", () -> !received.isEmpty(), TIMEOUT);
            Thread.sleep(3_000);
            assertEquals(1, received.size(), received.toString());
            Event got = received.peek();
            assertNotNull(got);
            assertSameEvent(sent, got);
            assertEquals("idn-source", new String(got.headerBytes(Origins.HEADER), StandardCharsets.UTF_8));
            assertTrue(got.headers().keySet().stream().noneMatch(h -> h.equalsIgnoreCase("Nats-Msg-Id")));
        }
        BridgeWorker.worker().rest().deleteConnector("idn-source");
    }
}
