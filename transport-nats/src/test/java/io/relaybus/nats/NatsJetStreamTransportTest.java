package io.relaybus.nats;

import io.nats.client.JetStream;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.MessageInfo;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.relaybus.api.BusFatalException;
import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.PublishReceipt;
import io.relaybus.api.RetryPolicy;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;
import io.relaybus.tck.Received;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JetStream behaviour a user of the NATS transport relies on, against a real nats-server. */
class NatsJetStreamTransportTest extends NatsBrokerTest {


    private static <T> T await(CompletableFuture<T> f) {
        return f.orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    /** Publishes {@code event} and waits for its receipt; a failed publish throws its {@link CompletionException}. */
    private static PublishReceipt publish(EventBus bus, Event event) {
        return await(bus.publish(event).toCompletableFuture());
    }

    /** Publishes {@code count} events of key {@code k} without waiting in between; their ids in publish order. */
    private static List<String> publishOneKey(EventBus bus, String topic, int count) {
        List<CompletableFuture<PublishReceipt>> receipts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            receipts.add(bus.publish(Event.of(topic, "k", "event " + i)).toCompletableFuture());
        }
        List<String> published = new ArrayList<>();
        for (CompletableFuture<PublishReceipt> r : receipts) {
            published.add(await(r).eventId());
        }
        return published;
    }

    @Test
    @DisplayName("an event published twice with one id is stored once; the second receipt says duplicate")
    void duplicateIdStoredOnce() throws Exception {
        EventBus bus = bus(Map.of());
        String topic = unique("dedup");
        Event event = Event.of(topic, "k", "once");

        PublishReceipt first = publish(bus, event);
        PublishReceipt second = publish(bus, event);

        assertFalse(first.duplicate());
        assertTrue(second.duplicate(), "the re-send was not recognised as a duplicate");
        assertEquals(first.position(), second.position(), "the duplicate points at the stored message");
        assertEquals(1, jsm.getStreamInfo(topic).getStreamState().getMsgCount());
    }

    @Test
    @DisplayName("a dead-lettered event is terminated (never redelivered) and stored in its own stream with headers")
    void deadLetterTerminatesAndKeepsHeaders() throws Exception {
        EventBus bus = bus(Map.of());
        String topic = unique("dlq");
        String group = unique("g");
        AtomicInteger calls = new AtomicInteger();
        SubscribeOptions options = SubscribeOptions.builder(topic).group(group).retry(RetryPolicy.none()).build();
        Received dead = receiving(bus, SubscribeOptions.builder(options.deadLetterTopic()).build());
        subscribeReady(bus, options, e -> {
            calls.incrementAndGet();
            throw new IllegalStateException("always fails");
        });
        Event poison = Event.builder(topic).key("p-1").header("trace", "t-9").payload("poison").build();
        publish(bus, poison);

        Received.await(TIMEOUT, "the dead letter arrived", () -> dead.total() == 1);
        String consumer = new NatsConfig(NatsConfig.DEFINITION.parse(Map.of())).consumerNameFor(group, topic);
        Received.await(TIMEOUT, "the server counts the event as settled", () -> {
            ConsumerInfo info = consumerInfo(topic, consumer);
            return info.getAckFloor().getStreamSequence() == 1 && info.getNumAckPending() == 0;
        });
        ConsumerInfo info = jsm.getConsumerInfo(topic, consumer);
        assertEquals(0, info.getRedelivered(), "the terminated event was redelivered");
        assertEquals(1, calls.get());

        String dlqStream = topic + "_dlq";
        assertEquals(List.of(topic), jsm.getStreamInfo(topic).getConfiguration().getSubjects());
        assertEquals(List.of(options.deadLetterTopic()), jsm.getStreamInfo(dlqStream).getConfiguration().getSubjects());
        MessageInfo letter = jsm.getLastMessage(dlqStream, options.deadLetterTopic());
        Headers h = letter.getHeaders();
        assertEquals(poison.id(), h.getFirst("relaybus.dlq.original.id"));
        assertFalse(poison.id().equals(h.getFirst("Nats-Msg-Id")), "the dead letter has an id of its own");
        assertEquals("p-1", h.getFirst("Relaybus-Key"));
        assertEquals("t-9", h.getFirst("trace"));
        assertEquals(IllegalStateException.class.getName(), h.getFirst("relaybus.dlq.error.class"));
        assertEquals(topic, h.getFirst("relaybus.dlq.original.topic"));
        assertEquals("poison", new String(letter.getData(), StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("the publish window bounds the acknowledgements outstanding at once")
    void publishWindowBoundsOutstandingAcks() throws Exception {
        int window = 4;
        NatsTransport transport = transport("window", Map.of("nats.publish.window", window));
        String topic = unique("window");
        Set<String> completedOn = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<?>> all = new ArrayList<>();
        List<Thread> publishers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 500; i++) {
                    CompletableFuture<?> f = transport.publish(Event.of(topic, "k" + i, "e" + i))
                            .thenRun(() -> completedOn.add(Thread.currentThread().getName()));
                    synchronized (all) {
                        all.add(f);
                    }
                }
            }, "test-publisher-" + t);
            publishers.add(thread);
            thread.start();
        }
        for (Thread thread : publishers) {
            thread.join(TIMEOUT.toMillis());
        }
        await(CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)));

        JetStreamPublisher publisher = transport.jetStreamPublisher();
        assertTrue(publisher.maxOutstanding() <= window, "outstanding acks reached " + publisher.maxOutstanding()
                + " with a window of " + window);
        assertEquals(window, publisher.maxOutstanding(), "2,000 asynchronous publishes never filled the window");
        assertEquals(0, publisher.outstanding());
        assertEquals(2000, jsm.getStreamInfo(topic).getStreamState().getMsgCount());
        assertTrue(completedOn.stream().allMatch(n -> n.startsWith("test-publisher-") || n.endsWith("-callbacks")),
                "publish futures completed on " + completedOn + ", not only on the transport's callback thread");
    }

    @Test
    @DisplayName("events from a plain jnats JetStream publisher reach bus subscribers, headers and key included")
    void plainPublisherToBus() throws Exception {
        EventBus bus = bus(Map.of());
        String topic = unique("interop-in");
        Received received = receiving(bus, SubscribeOptions.builder(topic).build());

        Headers headers = new Headers().put("tenant", "acme").put("Relaybus-Key", "order-7");
        long seq = js.publish(NatsMessage.builder().subject(topic).headers(headers)
                .data("from plain jnats", StandardCharsets.UTF_8).build()).getSeqno();
        js.publish(topic, "no headers at all".getBytes(StandardCharsets.UTF_8));

        Received.await(TIMEOUT, "both plain messages arrived", () -> received.total() == 2);
        Event withHeaders = received.events().stream().filter(e -> e.key().isPresent()).findFirst().orElseThrow();
        assertEquals("order-7", withHeaders.keyOrNull());
        assertEquals(Map.of("tenant", "acme"), withHeaders.headers());
        assertEquals("from plain jnats", withHeaders.payloadAsString());
        assertEquals(topic + "#" + seq, withHeaders.id(), "a message without Nats-Msg-Id is identified by stream "
                + "and sequence");
        Event bare = received.events().stream().filter(e -> e.key().isEmpty()).findFirst().orElseThrow();
        assertEquals("no headers at all", bare.payloadAsString());
        assertNotNull(bare.timestamp());
    }

    @Test
    @DisplayName("bus events are readable by a plain jnats consumer: id, key, headers, timestamp")
    void busToPlainConsumer() throws Exception {
        EventBus bus = bus(Map.of());
        String topic = unique("interop-out");
        Event event = Event.builder(topic).key("order-8").header("tenant", "acme")
                .header("note", "grüße\nzweite Zeile").payload("from the bus").build();
        publish(bus, event);

        JetStreamSubscription sub = js.subscribe(topic, PushSubscribeOptions.builder().ordered(true).build());
        Message m = sub.nextMessage(TIMEOUT);
        sub.unsubscribe();
        assertNotNull(m, "the plain consumer received nothing");
        assertEquals("from the bus", new String(m.getData(), StandardCharsets.UTF_8));
        assertEquals(event.id(), m.getHeaders().getFirst("Nats-Msg-Id"));
        assertEquals("order-8", m.getHeaders().getFirst("Relaybus-Key"));
        assertEquals(event.timestamp().toString(), m.getHeaders().getFirst("Relaybus-Timestamp"));
        assertEquals("acme", m.getHeaders().getFirst("tenant"));
        String note = m.getHeaders().getFirst("note");
        assertTrue(note.startsWith("=?UTF-8?B?") && note.endsWith("?="), "non-ASCII value not RFC 2047 encoded: " + note);
        assertEquals("grüße\nzweite Zeile", new String(Base64.getDecoder().decode(note.substring(10, note.length() - 2)),
                StandardCharsets.UTF_8));

        Received received = receiving(bus, SubscribeOptions.builder(topic)
                .startFrom(io.relaybus.api.StartPosition.EARLIEST).build());
        Received.await(TIMEOUT, "the bus subscriber got the event back", () -> received.total() == 1);
        assertEquals(event.headers(), received.events().get(0).headers(), "headers did not survive the round trip");
    }

    @Test
    @DisplayName("a stream that already captures the subject (wildcard) is used instead of creating one")
    void existingWildcardStreamIsUsed() throws Exception {
        String prefix = operatorWildcardStream("ops");
        String stream = prefix.toUpperCase();
        EventBus bus = bus(Map.of());

        PublishReceipt receipt = publish(bus, Event.of(prefix + ".orders", "k", "x"));

        assertTrue(receipt.position().startsWith(stream + "#"), receipt.position());
        assertFalse(jsm.getStreamNames().contains(prefix + "_orders"), "a second stream was created");
    }

    @Test
    @DisplayName("with provisioning off, a subject no stream stores fails publish and subscribe with what to do")
    void provisioningOff() {
        EventBus bus = bus(Map.of("nats.stream.provision", "false"));
        String topic = unique("unprovisioned");

        CompletionException publish = assertThrows(CompletionException.class,
                () -> publish(bus, Event.of(topic, "k", "x")));
        assertInstanceOf(BusFatalException.class, publish.getCause());
        assertTrue(publish.getCause().getMessage().contains("nats stream add " + topic + " --subjects " + topic),
                publish.getCause().getMessage());
        Subscription s = bus.subscribe(SubscribeOptions.builder(topic).build(), e -> { });
        CompletionException ready = assertThrows(CompletionException.class,
                () -> s.ready().toCompletableFuture().orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join());
        assertInstanceOf(BusFatalException.class, ready.getCause());
    }

    @Test
    @DisplayName("a subscriber without a group gets its own consumer, deleted when it closes")
    void grouplessConsumerDeletedOnClose() throws Exception {
        EventBus bus = bus(Map.of());
        String topic = unique("ephemeral");
        Subscription s = subscribeReady(bus, SubscribeOptions.builder(topic).build(), e -> { });
        assertEquals(1, jsm.getConsumerNames(topic).size());
        s.close();
        assertEquals(List.of(), jsm.getConsumerNames(topic));
    }

    @Test
    @DisplayName("an existing group resumes; its consumer's max_ack_pending follows the subscriber's capacity")
    void groupConsumerSettings() throws Exception {
        EventBus bus = bus(Map.of("bus.dispatch.queue.capacity", "10", "nats.consumer.ack.wait.ms", "5000"));
        String topic = unique("settings");
        subscribeReady(bus, SubscribeOptions.builder(topic).group("billing").concurrency(3).build(), e -> { });
        ConsumerInfo info = jsm.getConsumerInfo(topic, "billing_" + topic);
        assertEquals(3 * (10 + 1), info.getConsumerConfiguration().getMaxAckPending());
        assertEquals(Duration.ofSeconds(5), info.getConsumerConfiguration().getAckWait());
        assertEquals(topic, info.getConsumerConfiguration().getFilterSubject());
    }

    @Test
    @DisplayName("a stream name without {topic} puts topics in one stream; groups of each topic stay apart")
    void sharedStream() throws Exception {
        String stream = "SHARED_" + UUID.randomUUID().toString().substring(0, 8);
        EventBus bus = bus(Map.of("nats.stream.name", stream, "nats.stream.storage", "memory"));
        String a = unique("shared-a");
        String b = unique("shared-b");
        Received inA = receiving(bus, SubscribeOptions.builder(a).group("billing").build());
        Received inB = receiving(bus, SubscribeOptions.builder(b).group("billing").build());

        String idA = publish(bus, Event.of(a, "k", "for a")).eventId();
        String idB = publish(bus, Event.of(b, "k", "for b")).eventId();

        Received.await(TIMEOUT, "each topic's group got its event", () -> inA.total() == 1 && inB.total() == 1);
        assertEquals(Set.of(idA), inA.ids());
        assertEquals(Set.of(idB), inB.ids());
        assertEquals(Set.of(a, b), Set.copyOf(jsm.getStreamInfo(stream).getConfiguration().getSubjects()));
        assertEquals(Set.of("billing_" + a, "billing_" + b), Set.copyOf(jsm.getConsumerNames(stream)));
    }

    @Test
    @DisplayName("the pipelined intake respects a tiny queue: every event once, in order, none lost, acked after all")
    void pipelinedIntakeUnderBackpressure() throws Exception {
        // One worker with room for 2 events, a slow handler and a prefetch of 64: most offers are refused, held and
        // offered again; the order of one key must survive that, and nothing may be left unacknowledged.
        EventBus bus = bus(Map.of("bus.dispatch.queue.capacity", 2, "nats.fetch.max.messages", 64));
        String topic = unique("backpressure");
        List<String> handled = java.util.Collections.synchronizedList(new ArrayList<>());
        subscribeReady(bus, SubscribeOptions.builder(topic).group("g").build(), e -> {
            handled.add(e.id());
            Thread.sleep(1);
        });
        List<String> published = publishOneKey(bus, topic, 300);
        Received.await(TIMEOUT, "all events handled", () -> handled.size() >= published.size());
        synchronized (handled) {
            assertEquals(published, handled, "events handled once each, in publish order");
        }
        String consumer = "g_" + topic;
        Received.await(TIMEOUT, "everything acknowledged", () -> {
            ConsumerInfo ci = consumerInfo(topic, consumer);
            return ci.getNumAckPending() == 0 && ci.getNumPending() == 0;
        });
    }

    @Test
    @DisplayName("events prefetched behind a full key queue are taken over before their ack wait ends: no duplicates")
    void prefetchBehindAFullQueueIsKeptAlive() throws Exception {
        // Four workers with room for 4 events each (capacity 20, so a prefetch of 16 and max_ack_pending 20), one key,
        // a slow handler and the shortest ack wait: the prefetch waits behind the key's full queue far longer than
        // the ack wait. It must be taken over (and kept alive) rather than redelivered by the server.
        EventBus bus = bus(Map.of("bus.dispatch.queue.capacity", 4, "nats.consumer.ack.wait.ms", 1000L));
        String topic = unique("prefetch");
        Received received = new Received();
        subscribeReady(bus, SubscribeOptions.builder(topic).group("g").concurrency(4).build(), e -> {
            received.add(e);
            Thread.sleep(100);
        });
        List<String> published = publishOneKey(bus, topic, 40);
        Received.await(TIMEOUT, "all events handled", () -> received.containsAll(published));
        Thread.sleep(1500);     // a redelivery would arrive within an ack wait
        assertEquals(0, received.duplicates(), "events redelivered while they waited in the prefetch");
        assertEquals(published, received.events().stream().map(Event::id).toList(), "order of the key");
    }

    @Test
    @DisplayName("a paused subscription takes in nothing until resumed, then gets everything")
    void pauseAndResume() throws Exception {
        EventBus bus = bus(Map.of());
        String topic = unique("pause");
        Received received = new Received();
        Subscription s = subscribeReady(bus, SubscribeOptions.builder(topic).group("g").build(), received::add);
        String first = publish(bus, Event.of(topic, "k", "before")).eventId();
        Received.await(TIMEOUT, "the first event arrived", () -> received.ids().contains(first));

        s.pause();
        List<String> whilePaused = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            whilePaused.add(publish(bus, Event.of(topic, "k", "paused " + i)).eventId());
        }
        // The server delivers to the pull that may still be open; the events must be held, not handled.
        String consumer = "g_" + topic;
        Received.await(TIMEOUT, "the paused member was offered the events", () -> {
            ConsumerInfo ci = consumerInfo(topic, consumer);
            return ci.getDelivered().getStreamSequence() >= 6 || ci.getNumPending() == 5;
        });
        assertEquals(1, received.total(), "a paused subscription handled events");
        s.resume();
        Received.await(TIMEOUT, "events published while paused arrived after resume",
                () -> received.containsAll(whilePaused));
    }

    @Test
    @DisplayName("without per-key order, retries are redeliveries by the server (nak with the backoff as delay)")
    void retriesWithoutOrderAreNaks() throws Exception {
        EventBus bus = bus(Map.of());
        String topic = unique("nak");
        AtomicInteger calls = new AtomicInteger();
        Received handled = new Received();
        subscribeReady(bus, SubscribeOptions.builder(topic).group("g").orderedByKey(false)
                .retry(RetryPolicy.fixed(3, Duration.ofMillis(50))).build(), e -> {
                    if (calls.incrementAndGet() <= 2) {
                        throw new IllegalStateException("not yet");
                    }
                    handled.add(e);
                });
        String id = publish(bus, Event.of(topic, "k", "x")).eventId();

        Received.await(TIMEOUT, "the third attempt succeeded", () -> handled.ids().contains(id));
        ConsumerInfo info = jsm.getConsumerInfo(topic, "g_" + topic);
        assertEquals(3, info.getDelivered().getConsumerSequence(), "the server delivered the event "
                + info.getDelivered().getConsumerSequence() + " times; retries in place would show 1");
        Received.await(TIMEOUT, "the event is settled", () -> consumerInfo(topic, "g_" + topic).getNumAckPending() == 0);
        assertEquals(3, calls.get());
    }
}
