package io.relaybus.nats;

import io.nats.client.Nats;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.MessageInfo;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.RetryPolicy;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;
import io.relaybus.tck.Received;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dead letters, exact bytes and retry budgets against a real nats-server (issue 10). */
class NatsReliabilityTest extends NatsBrokerTest {


    private static long acked(String stream, String consumer) {
        ConsumerInfo info = consumerInfo(stream, consumer);
        return info.getNumAckPending() == 0 ? info.getAckFloor().getStreamSequence() : -1;
    }

    /**
     * A handler that always fails, maxAttempts 2, the dead-letter topic stored in the topic's stream: the dead letter
     * must be stored (not discarded as a duplicate of the original), reach a subscriber of the dead-letter topic, and
     * the original must be terminated.
     */
    private void deadLetterStoredInTheSameStream(EventBus bus, String topic, String stream) throws Exception {
        String group = unique("g");
        SubscribeOptions options = SubscribeOptions.builder(topic).group(group)
                .retry(RetryPolicy.fixed(2, Duration.ofMillis(10))).build();
        Received dead = receiving(bus, SubscribeOptions.builder(options.deadLetterTopic()).group("dlq-reader")
                .startFrom(io.relaybus.api.StartPosition.EARLIEST).build());
        AtomicInteger calls = new AtomicInteger();
        subscribeReady(bus, options, e -> {
            calls.incrementAndGet();
            throw new IllegalStateException("always fails");
        });
        Event original = Event.of(topic, "k-1", "poison");
        long seq = Long.parseLong(bus.publish(original).toCompletableFuture().get(30, TimeUnit.SECONDS).position()
                .replaceAll(".*#", ""));

        Received.await(TIMEOUT, "the dead letter reached the dead-letter topic's subscriber", () -> dead.total() >= 1);
        Event letter = dead.events().get(0);
        assertEquals(original.id(), letter.headers().get("relaybus.dlq.original.id"));
        assertNotEquals(original.id(), letter.id());
        assertEquals("poison", letter.payloadAsString());
        MessageInfo stored = jsm.getLastMessage(stream, options.deadLetterTopic());
        assertEquals(letter.id(), stored.getHeaders().getFirst("Nats-Msg-Id"));

        String consumer = new NatsConfig(NatsConfig.DEFINITION.parse(Map.of())).consumerNameFor(group, topic);
        Received.await(TIMEOUT, "the original is settled", () -> acked(stream, consumer) >= seq);
        Thread.sleep(500);
        assertEquals(0, jsm.getConsumerInfo(stream, consumer).getRedelivered(), "the original was redelivered");
        assertEquals(2, calls.get());
        assertEquals(1, dead.total());
    }

    @Test
    @DisplayName("dead letter in a shared nats.stream.name: stored with its own id, delivered, original terminated")
    void deadLetterInSharedStream() throws Exception {
        String stream = "SHARED_" + UUID.randomUUID().toString().substring(0, 8);
        EventBus bus = bus("nats.stream.name", stream, "nats.stream.storage", "memory");
        deadLetterStoredInTheSameStream(bus, unique("shared"), stream);
    }

    @Test
    @DisplayName("dead letter in an operator's wildcard stream x.>: stored with its own id, delivered, original terminated")
    void deadLetterInOperatorWildcardStream() throws Exception {
        String prefix = operatorWildcardStream("x");
        String stream = prefix.toUpperCase();
        EventBus bus = bus("nats.stream.provision", "false");
        deadLetterStoredInTheSameStream(bus, prefix + ".orders", stream);
    }

    @Test
    @DisplayName("binary key and header bytes round-trip exactly: consume, retry, dead letter, re-publish")
    void binaryBytesRoundTrip() throws Exception {
        EventBus bus = bus();
        String topic = unique("bytes");
        byte[] key = {(byte) 0xff, 'k', 0x00, (byte) 0xc3};
        byte[] trace = "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);     // not UTF-8
        Event original = Event.builder(topic).key(key).header("trace", trace).header("padded", " x ")
                .header("plain", "acme").payload("p").build();
        SubscribeOptions options = SubscribeOptions.builder(topic).group("g")
                .retry(RetryPolicy.fixed(2, Duration.ofMillis(10))).build();
        Received attempts = new Received();
        subscribeReady(bus, options, e -> {
            attempts.add(e);
            throw new IllegalStateException("fails");
        });
        Received dead = receiving(bus, SubscribeOptions.builder(options.deadLetterTopic()).build());
        bus.publish(original).toCompletableFuture().get(30, TimeUnit.SECONDS);

        Received.await(TIMEOUT, "the dead letter arrived", () -> dead.total() == 1);
        for (Event e : List.of(attempts.events().get(0), attempts.events().get(1), dead.events().get(0))) {
            assertArrayEquals(key, e.keyBytes());
            assertArrayEquals(trace, e.headerBytes("trace"));
            assertEquals(" x ", e.headers().get("padded"));
            assertEquals("acme", e.headers().get("plain"));
        }

        // Re-published from the dead letter (what a replay tool does): still the same bytes.
        Event replay = dead.events().get(0).toBuilder().topic(unique("replayed")).build();
        Received replayed = receiving(bus, SubscribeOptions.builder(replay.topic()).build());
        bus.publish(replay).toCompletableFuture().get(30, TimeUnit.SECONDS);
        Received.await(TIMEOUT, "the replayed event arrived", () -> replayed.total() == 1);
        assertArrayEquals(key, replayed.events().get(0).keyBytes());
        assertArrayEquals(trace, replayed.events().get(0).headerBytes("trace"));

        // What a stock client sees: plain ASCII as is, anything else as an RFC 2047 word holding the exact bytes.
        Headers h = jsm.getLastMessage(topic, topic).getHeaders();
        assertEquals("acme", h.getFirst("plain"));
        assertArrayEquals(key, word(h.getFirst("Relaybus-Key")));
        assertArrayEquals(trace, word(h.getFirst("trace")));
    }

    private static byte[] word(String value) {
        assertTrue(value.startsWith("=?UTF-8?B?") && value.endsWith("?="), value);
        return Base64.getDecoder().decode(value.substring(10, value.length() - 2));
    }

    @Test
    @DisplayName("bytes from a jnats publisher using encoded words reach the handler exactly; plain ASCII as today")
    void foreignPublisherBytes() throws Exception {
        EventBus bus = bus();
        String topic = unique("foreign");
        Received received = receiving(bus, SubscribeOptions.builder(topic).build());
        byte[] raw = {(byte) 0x80, (byte) 0xfe, 'z'};
        String word = "=?UTF-8?B?" + Base64.getEncoder().encodeToString(raw) + "?=";
        js.publish(NatsMessage.builder().subject(topic).headers(new Headers().put("Relaybus-Key", word)
                .put("bin", word).put("tenant", "acme")).data("x", StandardCharsets.UTF_8).build());

        Received.await(TIMEOUT, "the event arrived", () -> received.total() == 1);
        Event e = received.events().get(0);
        assertArrayEquals(raw, e.keyBytes());
        assertArrayEquals(raw, e.headerBytes("bin"));
        assertEquals("acme", e.headers().get("tenant"));
    }

    /**
     * Hands the only event of {@code topic} back {@code times} times: each subscription of {@code group} blocks in its
     * handler until closed (the close timeout is short, so the handler is given up on and the event handed back).
     */
    private void handBack(EventBus bus, String topic, String group, int times) throws Exception {
        for (int i = 0; i < times; i++) {
            CountDownLatch started = new CountDownLatch(1);
            Subscription s = subscribeReady(bus, SubscribeOptions.builder(topic).group(group)
                    .startFrom(io.relaybus.api.StartPosition.EARLIEST).build(), e -> {
                started.countDown();
                new CountDownLatch(1).await();      // until close gives up on it (interrupt)
            });
            assertTrue(started.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "round " + i + ": not delivered");
            s.close();
        }
    }

    /** A topic of the test's own, named from {@code base}, holding one event published on {@code bus}. */
    private static String topicWithOneEvent(EventBus bus, String base) throws Exception {
        String topic = unique(base);
        bus.publish(Event.of(topic, "k", "x")).toCompletableFuture().get(30, TimeUnit.SECONDS);
        return topic;
    }

    @Test
    @DisplayName("an event handed back by 4 closes still gets its full retry budget (not dead-lettered on 1st failure)")
    void handBacksDoNotUseUpRetries() throws Exception {
        EventBus bus = bus("bus.close.timeout.ms", "200");
        String topic = topicWithOneEvent(bus, "handback");
        handBack(bus, topic, "g", 4);
        assertEquals(5, handledOnceAfterOneFailure(bus, topic, "g"));
    }

    @Test
    @DisplayName("a group consumer created with max_deliver is lifted to unlimited: hand-backs do not strand events")
    void existingDeliveryLimitIsLifted() throws Exception {
        EventBus bus = bus("bus.close.timeout.ms", "200");
        String topic = topicWithOneEvent(bus, "maxdeliver");
        jsm.addOrUpdateConsumer(topic, ConsumerConfiguration.builder().durable("g_" + topic).filterSubject(topic)
                .ackPolicy(AckPolicy.Explicit).deliverPolicy(DeliverPolicy.All).maxDeliver(3).build());
        handBack(bus, topic, "g", 3);
        assertEquals(-1, jsm.getConsumerInfo(topic, "g_" + topic).getConsumerConfiguration().getMaxDeliver());
        assertEquals(4, handledOnceAfterOneFailure(bus, topic, "g"));
    }

    /** Subscribes with a handler failing once, maxAttempts 2; returns the server's delivery count when handled. */
    private int handledOnceAfterOneFailure(EventBus bus, String topic, String group) {
        AtomicInteger calls = new AtomicInteger();
        Received handled = new Received();
        Received dead = receiving(bus, SubscribeOptions.builder(topic + ".dlq").build());
        subscribeReady(bus, SubscribeOptions.builder(topic).group(group)
                .retry(RetryPolicy.fixed(2, Duration.ofMillis(10))).build(), e -> {
                    if (calls.incrementAndGet() == 1) {
                        throw new IllegalStateException("first real failure");
                    }
                    handled.add(e);
                });
        Received.await(TIMEOUT, "the event was handled on its second attempt", () -> handled.total() == 1);
        assertEquals(2, calls.get());
        assertEquals(0, dead.total(), "dead-lettered although its handler failed only once");
        return (int) consumerInfo(topic, group + "_" + topic).getDelivered().getConsumerSequence();
    }
}
