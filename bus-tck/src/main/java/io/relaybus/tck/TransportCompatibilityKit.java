package io.relaybus.tck;

import io.relaybus.api.BusConfigException;
import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.EventHandler;
import io.relaybus.api.PublishReceipt;
import io.relaybus.api.RetryPolicy;
import io.relaybus.api.StartPosition;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The contract every transport honours, as a JUnit 5 suite. A transport's test subclasses it in a few lines:
 *
 * <pre>{@code
 * class KafkaTransportCompatibilityTest extends TransportCompatibilityKit {
 *     protected Map<String, Object> busConfig() { return Map.of("bus.transport", "kafka", "kafka.bootstrap.servers", ...); }
 *     protected Features features() { return Features.all(); }
 *     protected void restartBroker() { broker.stop(); broker.start(); }
 * }
 * }</pre>
 *
 * Each {@code @Nested} class is one contract, named by its display name. Newer contracts live in files of their own
 * (a {@link KitContract} subclass each, such as {@link ChaosContract}) and are composed here by a nested class that
 * extends them. A contract that needs a feature the transport declares it lacks is skipped with the reason. Every test uses fresh topic and group names, so a subclass
 * may share one broker across the whole suite. Buses opened through {@link #openBus()} are closed after each test.
 */
public abstract class TransportCompatibilityKit {

    /** The configuration that opens a bus against the broker under test, {@code bus.transport} included. */
    protected abstract Map<String, Object> busConfig();

    /** What the transport can do; contracts needing more are skipped. */
    protected abstract Features features();

    /**
     * Stops the broker and starts it again on the same address with its data kept. Called only when
     * {@link Features#brokerRestart()} is declared.
     */
    protected void restartBroker() throws Exception {
        throw new UnsupportedOperationException("restartBroker() must be overridden when brokerRestart is declared");
    }

    /** How long a test waits for something that should happen. Generous: these machines are shared. */
    protected Duration timeout() {
        return Duration.ofSeconds(60);
    }

    private final List<EventBus> buses = new CopyOnWriteArrayList<>();

    /** Opens a bus with {@link #busConfig()}; closed after the test. */
    protected EventBus openBus() {
        return openBus(Map.of());
    }

    /** Opens a bus with {@link #busConfig()} plus {@code overrides}; closed after the test. */
    protected EventBus openBus(Map<String, Object> overrides) {
        Map<String, Object> config = new LinkedHashMap<>(busConfig());
        config.putAll(overrides);
        EventBus bus = EventBus.open(config);
        buses.add(bus);
        return bus;
    }

    @AfterEach
    void closeBuses() {
        List<EventBus> all = new ArrayList<>(buses);
        Collections.reverse(all);
        for (EventBus bus : all) {
            try {
                bus.close();
            } catch (RuntimeException e) {
                // A failing close must not hide the test's own result; it is reported by the test that closes it.
            }
        }
        buses.clear();
    }

    /** A topic name unique to this run: letters, digits and dashes only, so every transport can map it. */
    protected static String uniqueName(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Subscribes and waits until the subscription is ready. */
    protected Subscription subscribeReady(EventBus bus, SubscribeOptions options, EventHandler handler) {
        Subscription s = bus.subscribe(options, handler);
        s.ready().toCompletableFuture().orTimeout(timeout().toMillis(), TimeUnit.MILLISECONDS).join();
        return s;
    }

    protected static PublishReceipt publishSync(EventBus bus, Event event) {
        return bus.publish(event).toCompletableFuture().orTimeout(60, TimeUnit.SECONDS).join();
    }

    private static Event event(String topic, String key, int seq) {
        return Event.builder(topic).key(key).header("seq", Integer.toString(seq)).payload("event-" + seq).build();
    }

    private void awaitReceived(Received received, List<String> ids, String what) {
        Received.await(timeout(), what + " (missing " + Math.max(0, ids.size() - received.unique()) + " of "
                + ids.size() + ")", () -> received.containsAll(ids));
    }

    private static StartPosition earliestIfReplay(Features f) {
        return f.replayForNewGroups() ? StartPosition.EARLIEST : StartPosition.LATEST;
    }

    @Nested
    @DisplayName("Round trip")
    class RoundTrip {

        @Test
        @DisplayName("keeps id, payload, key and headers; topics are isolated")
        void keepsEverythingAndIsolatesTopics() {
            EventBus bus = openBus();
            String topicA = uniqueName("tck-roundtrip-a");
            String topicB = uniqueName("tck-roundtrip-b");
            Received a = new Received();
            Received b = new Received();
            subscribeReady(bus, SubscribeOptions.builder(topicA).build(), a::add);
            subscribeReady(bus, SubscribeOptions.builder(topicB).build(), b::add);

            byte[] payload = new byte[1024];
            ThreadLocalRandom.current().nextBytes(payload);
            Event sent = Event.builder(topicA).key("order-42").header("content-type", "application/octet-stream")
                    .header("tenant", "acme").payload(payload).build();
            PublishReceipt receipt = publishSync(bus, sent);
            Event other = Event.of(topicB, "k", "for b only");
            publishSync(bus, other);

            assertEquals(sent.id(), receipt.eventId());
            assertEquals(topicA, receipt.topic());
            Received.await(timeout(), "both topics received their event", () -> a.total() >= 1 && b.total() >= 1);
            Event got = a.events().get(0);
            assertEquals(sent.id(), got.id());
            assertEquals(topicA, got.topic());
            assertEquals("order-42", got.key().orElse(null));
            assertEquals(sent.headers(), onlyUserHeaders(got.headers(), sent.headers()));
            assertTrue(java.util.Arrays.equals(payload, got.payload()), "payload bytes differ");
            assertEquals(Set.of(sent.id()), a.ids(), "topic A received only its own event");
            assertEquals(Set.of(other.id()), b.ids(), "topic B received only its own event");
        }

        private Map<String, String> onlyUserHeaders(Map<String, String> received, Map<String, String> sent) {
            Map<String, String> m = new LinkedHashMap<>();
            sent.keySet().forEach(k -> {
                if (received.containsKey(k)) {
                    m.put(k, received.get(k));
                }
            });
            return m;
        }
    }

    @Nested
    @DisplayName("Concurrent publishers")
    class ConcurrentPublishers {

        @Test
        @DisplayName("20 publishers x 500 events, 3 subscribers in one group: nothing lost, nothing handled twice")
        void nothingLostNothingTwice() throws Exception {
            String topic = uniqueName("tck-concurrent");
            String group = uniqueName("g");
            Received received = new Received();
            int members = features().consumerGroups() ? 3 : 1;
            for (int i = 0; i < members; i++) {
                EventBus sub = openBus();
                subscribeReady(sub, SubscribeOptions.builder(topic).group(features().consumerGroups() ? group : null)
                        .concurrency(4).build(), received::add);
            }
            EventBus pub = openBus();
            List<String> ids = publishConcurrently(pub, topic, 20, 500);

            awaitReceived(received, ids, "every one of 10,000 events was handled");
            assertEquals(ids.size(), received.unique());
            assertEquals(0, received.duplicates(), "events handled twice within one group");
        }
    }

    /** Publishes {@code publishers x perPublisher} events from that many threads; returns the ids, all acknowledged. */
    private List<String> publishConcurrently(EventBus bus, String topic, int publishers, int perPublisher)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(publishers);
        try {
            List<CompletableFuture<List<String>>> all = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                int publisher = p;
                all.add(CompletableFuture.supplyAsync(() -> {
                    List<CompletableFuture<PublishReceipt>> acks = new ArrayList<>();
                    List<String> ids = new ArrayList<>();
                    for (int i = 0; i < perPublisher; i++) {
                        Event e = event(topic, "p" + publisher + "-k" + (i % 10), i);
                        ids.add(e.id());
                        acks.add(bus.publish(e).toCompletableFuture());
                    }
                    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
                    return ids;
                }, pool));
            }
            List<String> ids = new ArrayList<>();
            for (CompletableFuture<List<String>> f : all) {
                ids.addAll(f.get(timeout().toMillis(), TimeUnit.MILLISECONDS));
            }
            return ids;
        } finally {
            pool.shutdownNow();
        }
    }

    @Nested
    @DisplayName("Consumer groups")
    class ConsumerGroups {

        @Test
        @DisplayName("two groups each receive every event; within one group each event once")
        void twoGroupsEachSeeEverything() throws Exception {
            assumeTrue(features().consumerGroups(), "transport declares no consumer groups");
            String topic = uniqueName("tck-groups");
            Received groupA = new Received();
            Received groupB = new Received();
            String a = uniqueName("a");
            String b = uniqueName("b");
            subscribeReady(openBus(), SubscribeOptions.builder(topic).group(a).build(), groupA::add);
            subscribeReady(openBus(), SubscribeOptions.builder(topic).group(a).build(), groupA::add);
            subscribeReady(openBus(), SubscribeOptions.builder(topic).group(b).build(), groupB::add);

            List<String> ids = publishConcurrently(openBus(), topic, 2, 100);

            awaitReceived(groupA, ids, "group A received every event");
            awaitReceived(groupB, ids, "group B received every event");
            assertEquals(0, groupA.duplicates(), "group A handled events twice");
            assertEquals(0, groupB.duplicates(), "group B handled events twice");
        }
    }

    @Nested
    @DisplayName("Per-key order")
    class PerKeyOrder {

        @Test
        @DisplayName("holds with concurrency 8: 1,000 events over 16 keys arrive in publish order per key")
        void orderPerKey() {
            assumeTrue(features().perKeyOrder(), "transport declares no per-key order");
            String topic = uniqueName("tck-order");
            Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
            AtomicInteger concurrent = new AtomicInteger();
            AtomicInteger maxConcurrent = new AtomicInteger();
            Received received = new Received();
            EventBus bus = openBus();
            subscribeReady(bus, SubscribeOptions.builder(topic).concurrency(8).orderedByKey(true).build(), e -> {
                int now = concurrent.incrementAndGet();
                maxConcurrent.accumulateAndGet(now, Math::max);
                try {
                    seen.computeIfAbsent(e.key().orElseThrow(), k -> Collections.synchronizedList(new ArrayList<>()))
                            .add(Integer.parseInt(e.headers().get("seq")));
                    if (ThreadLocalRandom.current().nextInt(10) == 0) {
                        Thread.sleep(1);
                    }
                    received.add(e);
                } finally {
                    concurrent.decrementAndGet();
                }
            });
            List<CompletableFuture<PublishReceipt>> acks = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            int[] next = new int[16];
            for (int i = 0; i < 1000; i++) {
                int k = i % 16;
                Event e = event(topic, "key-" + k, next[k]++);
                ids.add(e.id());
                acks.add(bus.publish(e).toCompletableFuture());
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
            awaitReceived(received, ids, "all 1,000 events were handled");

            assertEquals(16, seen.size());
            seen.forEach((key, seqs) -> {
                List<Integer> expected = new ArrayList<>();
                for (int i = 0; i < seqs.size(); i++) {
                    expected.add(i);
                }
                assertEquals(expected, seqs, "order of " + key);
            });
            assertTrue(maxConcurrent.get() > 1, "handlers never ran concurrently, so the test proved nothing about "
                    + "order under concurrency (max concurrent: " + maxConcurrent.get() + ")");
        }
    }

    @Nested
    @DisplayName("Retries and dead letters")
    class RetriesAndDeadLetters {

        @Test
        @DisplayName("a handler that fails twice then succeeds gets the event a third time")
        void failsTwiceThenSucceeds() {
            String topic = uniqueName("tck-retry");
            EventBus bus = openBus();
            AtomicInteger calls = new AtomicInteger();
            Received handled = new Received();
            Received dead = new Received();
            SubscribeOptions options = SubscribeOptions.builder(topic).retry(RetryPolicy.fixed(3, Duration.ofMillis(50)))
                    .build();
            subscribeReady(bus, SubscribeOptions.builder(options.deadLetterTopic()).build(), dead::add);
            subscribeReady(bus, options, e -> {
                if (calls.incrementAndGet() <= 2) {
                    throw new IllegalStateException("transient failure " + calls.get());
                }
                handled.add(e);
            });
            Event e = Event.of(topic, "k", "retry me");
            publishSync(bus, e);

            Received.await(timeout(), "the event was handled", () -> handled.total() == 1);
            assertEquals(3, calls.get(), "handler calls");
            assertEquals(Set.of(e.id()), handled.ids());
            assertEquals(0, dead.total(), "nothing may reach the dead-letter topic");
            assertEquals(2, bus.metrics().retried(), "retries counted in metrics");
        }

        @Test
        @DisplayName("without per-key order, a failing event is retried (redelivered where the broker can) while "
                + "others flow")
        void unorderedRetryLetsOthersFlow() {
            String topic = uniqueName("tck-retry-unordered");
            EventBus bus = openBus();
            AtomicInteger calls = new AtomicInteger();
            Received handled = new Received();
            subscribeReady(bus, SubscribeOptions.builder(topic).orderedByKey(false).concurrency(2)
                    .retry(RetryPolicy.fixed(3, Duration.ofMillis(200))).build(), e -> {
                        if (e.payloadAsString().equals("flaky") && calls.incrementAndGet() <= 2) {
                            throw new IllegalStateException("transient failure " + calls.get());
                        }
                        handled.add(e);
                    });
            Event flaky = Event.of(topic, "k", "flaky");
            publishSync(bus, flaky);
            List<String> others = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                others.add(publishSync(bus, Event.of(topic, "k", "fine-" + i)).eventId());
            }
            awaitReceived(handled, others, "the other events were handled");
            Received.await(timeout(), "the flaky event succeeded on its third attempt", () -> handled.ids()
                    .contains(flaky.id()));
            assertEquals(3, calls.get(), "handler calls for the flaky event");
            assertEquals(1, handled.events().stream().filter(e -> e.id().equals(flaky.id())).count());
        }

        @Test
        @DisplayName("one that always fails sends the event to the dead-letter topic with original headers and the "
                + "error; later events keep flowing")
        void alwaysFailsGoesToDeadLetters() {
            String topic = uniqueName("tck-dlq");
            EventBus bus = openBus();
            Received handled = new Received();
            Received dead = new Received();
            SubscribeOptions options = SubscribeOptions.builder(topic).group(uniqueName("g"))
                    .retry(RetryPolicy.fixed(3, Duration.ofMillis(20))).build();
            subscribeReady(bus, SubscribeOptions.builder(options.deadLetterTopic()).build(), dead::add);
            AtomicInteger poisonCalls = new AtomicInteger();
            subscribeReady(bus, options, e -> {
                if (e.payloadAsString().equals("poison")) {
                    poisonCalls.incrementAndGet();
                    throw new IllegalArgumentException("cannot parse poison");
                }
                handled.add(e);
            });
            Event poison = Event.builder(topic).key("same-key").header("trace", "t-1").payload("poison").build();
            publishSync(bus, poison);
            List<String> later = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                later.add(publishSync(bus, Event.of(topic, "same-key", "fine-" + i)).eventId());
            }

            awaitReceived(handled, later, "events after the poison one were handled");
            Received.await(timeout(), "the poison event reached the dead-letter topic", () -> dead.total() >= 1);
            Event letter = dead.events().get(0);
            assertEquals(poison.id(), letter.headers().get("relaybus.dlq.original.id"), "the original id");
            assertNotEquals(poison.id(), letter.id(), "a dead letter has an id of its own, so a broker that "
                    + "de-duplicates by id stores it");
            assertEquals("poison", letter.payloadAsString());
            assertEquals("same-key", letter.key().orElse(null));
            assertEquals("t-1", letter.headers().get("trace"), "original header kept");
            assertEquals(topic, letter.headers().get("relaybus.dlq.original.topic"));
            assertEquals(IllegalArgumentException.class.getName(), letter.headers().get("relaybus.dlq.error.class"));
            assertEquals("cannot parse poison", letter.headers().get("relaybus.dlq.error.message"));
            assertEquals("3", letter.headers().get("relaybus.dlq.attempts"));
            assertEquals(3, poisonCalls.get(), "the poison event was tried exactly maxAttempts times");
            Received.await(timeout(), "metrics count the dead letter", () -> bus.metrics().deadLettered() == 1);
        }
    }

    @Nested
    @DisplayName("Readiness")
    class Readiness {

        @Test
        @DisplayName("an event published right after ready() completes is always delivered")
        void publishedAfterReadyIsDelivered() {
            EventBus bus = openBus();
            for (int round = 0; round < 5; round++) {
                String topic = uniqueName("tck-ready");
                Received received = new Received();
                subscribeReady(bus, SubscribeOptions.builder(topic)
                        .group(features().consumerGroups() ? uniqueName("g") : null)
                        .startFrom(StartPosition.LATEST).build(), received::add);
                String id = publishSync(bus, Event.of(topic, "k", "first")).eventId();
                Received.await(timeout(), "round " + round + ": the first event after ready was delivered",
                        () -> received.ids().contains(id));
            }
        }
    }

    @Nested
    @DisplayName("Close under load")
    class CloseUnderLoad {

        @Test
        @DisplayName("closing the publishing bus under load: every publish that completed successfully is delivered")
        void everySuccessfulPublishIsDelivered() throws Exception {
            assumeTrue(features().atLeastOnce(), "transport declares at-most-once delivery");
            String topic = uniqueName("tck-close");
            Received received = new Received();
            subscribeReady(openBus(), SubscribeOptions.builder(topic).group(uniqueName("g")).concurrency(4).build(),
                    received::add);
            EventBus pub = openBus();
            List<CompletableFuture<PublishReceipt>> futures = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            for (int t = 0; t < 4; t++) {
                pool.submit(() -> {
                    int i = 0;
                    while (!stop.get()) {
                        try {
                            futures.add(pub.publish(event(topic, "k" + (i % 8), i++)).toCompletableFuture());
                        } catch (RuntimeException closed) {
                            return;
                        }
                    }
                });
            }
            Received.await(timeout(), "publishing is under way", () -> received.total() > 200);
            pub.close();
            stop.set(true);
            pool.shutdown();
            assertTrue(pool.awaitTermination(timeout().toSeconds(), TimeUnit.SECONDS));

            List<String> acknowledged = new ArrayList<>();
            for (CompletableFuture<PublishReceipt> f : List.copyOf(futures)) {
                try {
                    acknowledged.add(f.get(timeout().toMillis(), TimeUnit.MILLISECONDS).eventId());
                } catch (java.util.concurrent.ExecutionException failed) {
                    // failing after close is allowed; only successful publishes must be delivered
                }
            }
            assertFalse(acknowledged.isEmpty());
            awaitReceived(received, acknowledged, "every acknowledged publish was delivered");
        }
    }

    @Nested
    @DisplayName("Group positions")
    class GroupPositions {

        @Test
        @DisplayName("a new member of an existing group resumes where the group left off")
        void newMemberResumes() {
            assumeTrue(features().consumerGroups() && features().persistence(),
                    "transport declares no persistent consumer groups");
            String topic = uniqueName("tck-resume");
            String group = uniqueName("g");
            EventBus pub = openBus();
            Received first = new Received();
            EventBus firstBus = openBus();
            Subscription s1 = subscribeReady(firstBus, SubscribeOptions.builder(topic).group(group).build(), first::add);
            List<String> before = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                before.add(publishSync(pub, event(topic, "k", i)).eventId());
            }
            awaitReceived(first, before, "the first member handled the first 50 events");
            s1.close();

            List<String> after = new ArrayList<>();
            for (int i = 50; i < 100; i++) {
                after.add(publishSync(pub, event(topic, "k", i)).eventId());
            }
            Received second = new Received();
            subscribeReady(openBus(), SubscribeOptions.builder(topic).group(group).startFrom(StartPosition.LATEST)
                    .build(), second::add);
            awaitReceived(second, after, "the new member received the 50 events published while the group was away");
            int repeated = (int) second.ids().stream().filter(before::contains).count();
            assertEquals(0, repeated, "events the group had already handled were delivered again");
        }

        @Test
        @DisplayName("a new group can start from the earliest event")
        void newGroupFromEarliest() {
            assumeTrue(features().replayForNewGroups(), "transport declares no replay for new groups");
            String topic = uniqueName("tck-earliest");
            EventBus bus = openBus();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ids.add(publishSync(bus, event(topic, "k" + i, i)).eventId());
            }
            Received received = new Received();
            subscribeReady(bus, SubscribeOptions.builder(topic).group(uniqueName("g"))
                    .startFrom(StartPosition.EARLIEST).build(), received::add);
            awaitReceived(received, ids, "the new group received all 20 earlier events");
        }
    }

    @Nested
    @DisplayName("Broker restart")
    class BrokerRestart {

        @Test
        @DisplayName("broker restarted mid-stream: zero acknowledged events lost; duplicates counted and reported")
        void noAcknowledgedEventLost() throws Exception {
            assumeTrue(features().brokerRestart(), "fixture declares no broker restart");
            String topic = uniqueName("tck-restart");
            Received received = new Received();
            subscribeReady(openBus(), SubscribeOptions.builder(topic).group(uniqueName("g")).concurrency(4)
                    .startFrom(earliestIfReplay(features())).build(), received::add);
            EventBus pub = openBus();
            List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>();
            int total = 3000;
            for (int i = 0; i < total; i++) {
                futures.add(pub.publish(event(topic, "k" + (i % 16), i)).toCompletableFuture());
                if (i == total / 3) {
                    Received.await(timeout(), "events flow before the restart", () -> received.total() > 0);
                    restartBroker();
                }
                if (i % 100 == 0) {
                    Thread.sleep(5);   // a steady stream, not one burst, so the restart lands mid-stream
                }
            }
            List<String> acknowledged = new ArrayList<>();
            int failed = 0;
            for (CompletableFuture<PublishReceipt> f : futures) {
                try {
                    acknowledged.add(f.get(timeout().toMillis(), TimeUnit.MILLISECONDS).eventId());
                } catch (java.util.concurrent.ExecutionException e) {
                    failed++;
                }
            }
            assertTrue(acknowledged.size() > total / 2, "most publishes should succeed across a restart; acknowledged "
                    + acknowledged.size() + " of " + total);
            Received.await(timeout().multipliedBy(2), "every acknowledged event was delivered after the restart", () ->
                    received.containsAll(acknowledged));
            System.out.printf("[tck] broker restart: %d published, %d acknowledged, %d failed, %d delivered, "
                            + "%d duplicates%n", total, acknowledged.size(), failed, received.unique(),
                    received.duplicates());
        }
    }

    @Nested
    @DisplayName("Batches")
    class Batches extends BatchContract {
        @Override
        protected TransportCompatibilityKit kit() {
            return TransportCompatibilityKit.this;
        }
    }

    @Nested
    @DisplayName("Refusal and hold")
    class RefusalAndHold extends RefusalAndHoldContract {
        @Override
        protected TransportCompatibilityKit kit() {
            return TransportCompatibilityKit.this;
        }
    }

    @Nested
    @DisplayName("Pause and resume")
    class PauseResume extends PauseResumeContract {
        @Override
        protected TransportCompatibilityKit kit() {
            return TransportCompatibilityKit.this;
        }
    }

    @Nested
    @DisplayName("Hand-off on close")
    class CloseHandoff extends CloseHandoffContract {
        @Override
        protected TransportCompatibilityKit kit() {
            return TransportCompatibilityKit.this;
        }
    }

    @Nested
    @DisplayName("Chaos")
    class Chaos extends ChaosContract {
        @Override
        protected TransportCompatibilityKit kit() {
            return TransportCompatibilityKit.this;
        }
    }

    @Nested
    @DisplayName("Configuration")
    class Configuration {

        @Test
        @DisplayName("invalid configuration fails with a message naming each key, its value (never an unknown key's) "
                + "and what is allowed")
        void invalidConfigNamesKeys() {
            String transport = String.valueOf(busConfig().get(EventBus.TRANSPORT_CONFIG));
            Map<String, Object> bad = new HashMap<>(busConfig());
            bad.put("bus.dispatch.queue.capacity", "-5");
            bad.put(transport + ".no.such.key", "s3cret-value");
            BusConfigException e = assertThrows(BusConfigException.class, () -> EventBus.open(bad));
            String message = e.getMessage();
            assertTrue(message.contains("Invalid value -5 for configuration bus.dispatch.queue.capacity: must be "
                    + "between 1 and 1000000"), message);
            assertTrue(message.contains("Invalid value [hidden] for configuration " + transport + ".no.such.key: "
                    + "unknown key"), message);
            assertFalse(message.contains("s3cret-value"), "an unknown key's value may be a misspelt secret: " + message);
            assertEquals(2, e.problems().size(), message);
        }

        @Test
        @DisplayName("an unknown transport name lists the transports found")
        void unknownTransportListsFound() {
            Map<String, Object> bad = new HashMap<>(busConfig());
            bad.put(EventBus.TRANSPORT_CONFIG, "no-such-transport");
            BusConfigException e = assertThrows(BusConfigException.class, () -> EventBus.open(bad));
            assertTrue(e.getMessage().startsWith("Invalid value no-such-transport for configuration bus.transport: "
                    + "no such transport; transports found on the class path: "), e.getMessage());
            assertTrue(e.getMessage().contains(String.valueOf(busConfig().get(EventBus.TRANSPORT_CONFIG))),
                    e.getMessage());
        }
    }
}
