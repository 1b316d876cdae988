package io.relaybus.kafka;

import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.RetryPolicy;
import io.relaybus.api.StartPosition;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** At-least-once semantics of the Kafka transport, checked through the bus API and the group's committed offsets. */
@Tag("broker")
class KafkaDeliveryTest {

    /** The group's committed offset of partition 0, or -1 when none. */
    private static long committed(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        OffsetAndMetadata om = offsets.get(new TopicPartition(topic, 0));
        return om == null ? -1 : om.offset();
    }

    private static long endOffset(Admin admin, String topic) throws Exception {
        TopicPartition tp = new TopicPartition(topic, 0);
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get(10, TimeUnit.SECONDS)
                .offset();
    }

    private static long committedOrFail(Admin admin, String group, String topic) {
        try {
            return committed(admin, group, topic);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    @DisplayName("a poison event goes to the dead-letter topic while its partition keeps flowing and commits pass it")
    void poisonToDeadLetters() throws Exception {
        String topic = KafkaTestSupport.unique("poison");
        String group = KafkaTestSupport.unique("g");
        List<String> handled = new CopyOnWriteArrayList<>();
        List<Event> dead = new CopyOnWriteArrayList<>();
        try (EventBus bus = EventBus.open(KafkaTestSupport.busConfig(KafkaConfig.TOPIC_PARTITIONS_CONFIG, 1,
                KafkaConfig.COMMIT_INTERVAL_CONFIG, 100)); Admin admin = KafkaTestSupport.admin()) {
            SubscribeOptions options = SubscribeOptions.builder(topic).group(group).concurrency(2)
                    .retry(RetryPolicy.fixed(2, Duration.ofMillis(10))).build();
            bus.subscribe(SubscribeOptions.builder(options.deadLetterTopic()).startFrom(StartPosition.EARLIEST)
                    .build(), dead::add).ready().toCompletableFuture().join();
            bus.subscribe(options, e -> {
                if (e.payloadAsString().startsWith("poison")) {
                    throw new IllegalStateException("bad payload " + e.payloadAsString());
                }
                handled.add(e.payloadAsString());
            }).ready().toCompletableFuture().join();

            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                String payload = i == 3 ? "poison-3" : "ok-" + i;
                bus.publish(Event.of(topic, i % 2 == 0 ? "even" : "odd", payload)).toCompletableFuture().join();
                if (i != 3) {
                    expected.add(payload);
                }
            }
            KafkaTestSupport.await("every good event was handled", () -> handled.containsAll(expected));
            KafkaTestSupport.await("the poison event reached the dead-letter topic", () -> dead.size() == 1);
            assertEquals("poison-3", dead.get(0).payloadAsString());
            assertEquals("odd", dead.get(0).keyOrNull());
            assertEquals(IllegalStateException.class.getName(), dead.get(0).headers().get("relaybus.dlq.error.class"));
            long end = endOffset(admin, topic);
            KafkaTestSupport.await("the group committed past the poison event, to the end of the partition",
                    () -> committedOrFail(admin, group, topic) == end);
        }
    }

    @Test
    @DisplayName("closing mid-batch while handlers block: commits never pass an unhandled event; it is redelivered")
    void commitsNeverPassUnhandled() throws Exception {
        String topic = KafkaTestSupport.unique("blocked");
        String group = KafkaTestSupport.unique("g");
        Set<Integer> blocking = Set.of(5, 12);
        Set<Integer> handled = ConcurrentHashMap.newKeySet();
        CountDownLatch blockedStarted = new CountDownLatch(blocking.size());
        CountDownLatch never = new CountDownLatch(1);
        Map<String, Object> config = KafkaTestSupport.busConfig(KafkaConfig.TOPIC_PARTITIONS_CONFIG, 1,
                KafkaConfig.COMMIT_INTERVAL_CONFIG, 100, "bus.close.timeout.ms", 500);
        try (Admin admin = KafkaTestSupport.admin()) {
            EventBus first = EventBus.open(config);
            first.subscribe(SubscribeOptions.builder(topic).group(group).concurrency(4).build(), e -> {
                int seq = Integer.parseInt(e.payloadAsString());
                if (blocking.contains(seq)) {
                    blockedStarted.countDown();
                    never.await();   // interrupted when the bus gives up draining
                }
                handled.add(seq);
            }).ready().toCompletableFuture().join();
            for (int i = 0; i < 20; i++) {
                first.publish(Event.of(topic, "key-" + i, Integer.toString(i))).toCompletableFuture().join();
            }
            assertTrue(blockedStarted.await(60, TimeUnit.SECONDS), "both blocking handlers started");
            KafkaTestSupport.await("events before the first blocked one were handled",
                    () -> handled.containsAll(List.of(0, 1, 2, 3, 4)));
            KafkaTestSupport.await("the group committed up to the first blocked event",
                    () -> committedOrFail(admin, group, topic) == 5);
            first.close();
            assertEquals(5, committed(admin, group, topic), "the commit passed an event that was never handled");

            Set<Integer> unhandled = IntStream.range(0, 20).boxed().filter(i -> !handled.contains(i))
                    .collect(Collectors.toSet());
            assertTrue(unhandled.containsAll(blocking), "blocked events were never handled: " + unhandled);
            List<Integer> second = Collections.synchronizedList(new ArrayList<>());
            try (EventBus bus = EventBus.open(KafkaTestSupport.busConfig())) {
                bus.subscribe(SubscribeOptions.builder(topic).group(group).build(),
                        e -> second.add(Integer.parseInt(e.payloadAsString()))).ready().toCompletableFuture().join();
                KafkaTestSupport.await("every unhandled event was delivered to the group again",
                        () -> second.containsAll(unhandled));
                assertTrue(second.stream().allMatch(i -> i >= 5), "events below the committed offset came again: "
                        + second);
            }
        }
    }

    @Test
    @DisplayName("a slow subscriber pauses fetching but keeps polling: no rebalance, nothing handled twice, in order")
    void backpressureKeepsMembership() throws Exception {
        String topic = KafkaTestSupport.unique("slow");
        String group = KafkaTestSupport.unique("g");
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        // A 2 s poll interval, while handling all events takes about 4 s: a consumer that stopped polling while the
        // runtime is full would be expelled, and its events delivered again.
        try (EventBus bus = EventBus.open(KafkaTestSupport.busConfig(KafkaConfig.TOPIC_PARTITIONS_CONFIG, 1,
                "bus.dispatch.queue.capacity", 2, "kafka.consumer.max.poll.interval.ms", 2000))) {
            bus.subscribe(SubscribeOptions.builder(topic).group(group).build(), e -> {
                Thread.sleep(10);   // the handler's work
                seen.add(Integer.parseInt(e.payloadAsString()));
            }).ready().toCompletableFuture().join();
            List<Integer> expected = new ArrayList<>();
            List<java.util.concurrent.CompletableFuture<?>> acks = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                expected.add(i);
                acks.add(bus.publish(Event.of(topic, "one-key", Integer.toString(i))).toCompletableFuture());
            }
            acks.forEach(java.util.concurrent.CompletableFuture::join);
            KafkaTestSupport.await("all 400 events were handled", () -> seen.size() >= 400);
            assertEquals(expected, List.copyOf(seen), "handled once each, in publish order");
        }
    }

    @Test
    @DisplayName("the KIP-848 consumer protocol: two members share a topic, each event handled once")
    void consumerGroupProtocol() {
        String topic = KafkaTestSupport.unique("kip848");
        String group = KafkaTestSupport.unique("g");
        Map<String, Integer> counts = new ConcurrentHashMap<>();
        Map<String, Object> config = KafkaTestSupport.busConfig(KafkaConfig.GROUP_PROTOCOL_CONFIG, "consumer",
                KafkaConfig.TOPIC_PARTITIONS_CONFIG, 2);
        try (EventBus a = EventBus.open(config); EventBus b = EventBus.open(config)) {
            Subscription sa = a.subscribe(SubscribeOptions.builder(topic).group(group).build(),
                    e -> counts.merge(e.id(), 1, Integer::sum));
            Subscription sb = b.subscribe(SubscribeOptions.builder(topic).group(group).build(),
                    e -> counts.merge(e.id(), 1, Integer::sum));
            sa.ready().toCompletableFuture().join();
            sb.ready().toCompletableFuture().join();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                ids.add(a.publish(Event.of(topic, "k" + i, "v" + i)).toCompletableFuture().join().eventId());
            }
            KafkaTestSupport.await("every event was handled", () -> counts.keySet().containsAll(ids));
            assertTrue(counts.values().stream().allMatch(c -> c == 1), "handled twice: " + counts);
        }
    }
}
