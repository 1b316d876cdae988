package io.relaybus.kafka;

import io.relaybus.api.BusConfigException;
import io.relaybus.api.BusFatalException;
import io.relaybus.api.BusHealth;
import io.relaybus.api.BusRetriableException;
import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a user sees when the broker is unreachable or a topic is missing: bounded waits, messages that say what to do. */
@Tag("broker")
class KafkaFailureTest {

    private static Map<String, Object> unreachable(int port, Object... extra) {
        Map<String, Object> m = KafkaTestSupport.busConfig(extra);
        m.put(KafkaConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
        m.put(KafkaConfig.CONNECT_TIMEOUT_CONFIG, 2_000);
        m.put(KafkaConfig.REQUEST_TIMEOUT_CONFIG, 3_000);
        m.put(KafkaConfig.DELIVERY_TIMEOUT_CONFIG, 5_000);
        m.put(KafkaConfig.MAX_BLOCK_CONFIG, 3_000);
        return m;
    }

    @Test
    @DisplayName("opening a bus on an unreachable broker fails within 30 s, naming the bootstrap servers")
    void openFailsWhenUnreachable() throws Exception {
        int port = KafkaTestSupport.closedPort();
        long start = System.nanoTime();
        BusRetriableException e = assertThrows(BusRetriableException.class, () -> EventBus.open(unreachable(port)));
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(30)) < 0);
        assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
        assertTrue(e.getMessage().contains("Check that the brokers are running and reachable"), e.getMessage());
        assertTrue(e.getMessage().contains("kafka.startup.check=false"), e.getMessage());
    }

    @Test
    @DisplayName("without the startup check: health is DEGRADED and a publish fails within 30 s, naming the servers")
    void publishFailsWhenUnreachable() throws Exception {
        int port = KafkaTestSupport.closedPort();
        try (EventBus bus = EventBus.open(unreachable(port, KafkaConfig.STARTUP_CHECK_CONFIG, false))) {
            KafkaTestSupport.await("health reports the unreachable broker",
                    () -> bus.health().status() == BusHealth.Status.DEGRADED);
            assertTrue(bus.health().detail().contains("127.0.0.1:" + port), bus.health().detail());

            long start = System.nanoTime();
            CompletionException e = assertThrows(CompletionException.class, () -> bus.publish(
                    Event.of("never", "k", "v")).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join());
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(30)) < 0);
            BusRetriableException cause = assertInstanceOf(BusRetriableException.class, e.getCause());
            assertTrue(cause.getMessage().contains("127.0.0.1:" + port), cause.getMessage());
            assertTrue(cause.getMessage().contains("did not answer in time"), cause.getMessage());
        }
    }

    @Test
    @DisplayName("with topic creation off, a missing topic fails publish and subscribe with a BusFatalException")
    void missingTopicWithoutCreation() {
        String topic = KafkaTestSupport.unique("missing");
        try (EventBus bus = EventBus.open(KafkaTestSupport.busConfig(KafkaConfig.TOPIC_CREATE_CONFIG, false))) {
            CompletionException e = assertThrows(CompletionException.class,
                    () -> bus.publish(Event.of(topic, "k", "v")).toCompletableFuture().join());
            BusFatalException fatal = assertInstanceOf(BusFatalException.class, e.getCause());
            assertEquals("Kafka topic " + topic + " does not exist on " + KafkaTestSupport.bootstrap()
                    + " and kafka.topic.create=false: create it first, or set kafka.topic.create=true",
                    fatal.getMessage());

            Subscription s = bus.subscribe(SubscribeOptions.builder(topic).group("g").build(), ev -> { });
            CompletionException r = assertThrows(CompletionException.class,
                    () -> s.ready().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join());
            assertInstanceOf(BusFatalException.class, r.getCause());
        }
    }

    @Test
    @DisplayName("a topic or dead-letter topic Kafka can never store is refused at subscribe, naming it and the rule")
    void illegalTopicNamesRefusedAtSubscribe() {
        try (EventBus bus = EventBus.open(KafkaTestSupport.busConfig())) {
            BusConfigException e = assertThrows(BusConfigException.class, () -> bus.subscribe(SubscribeOptions
                    .builder(KafkaTestSupport.unique("fine")).group("g").deadLetterTopic("orders/dead").build(),
                    ev -> { }));
            assertEquals("Invalid value orders/dead for configuration SubscribeOptions.deadLetterTopic: a Kafka topic "
                    + "name may only contain ASCII letters, digits, '.', '_' and '-'; character U+002F ('/') at index 6 "
                    + "is not allowed", e.getMessage());
            assertThrows(BusConfigException.class, () -> bus.subscribe(SubscribeOptions.builder("x".repeat(250))
                    .group("g").build(), ev -> { }));
        }
    }

    @Test
    @DisplayName("a record larger than the producer allows fails its publish with a BusFatalException")
    void oversizedRecordIsFatal() {
        try (EventBus bus = EventBus.open(KafkaTestSupport.busConfig())) {
            CompletionException e = assertThrows(CompletionException.class, () -> bus.publish(Event.of(
                    KafkaTestSupport.unique("big"), new byte[2_000_000])).toCompletableFuture().join());
            BusFatalException fatal = assertInstanceOf(BusFatalException.class, e.getCause());
            assertTrue(fatal.getMessage().contains("RecordTooLargeException"), fatal.getMessage());
        }
    }

    @Test
    @DisplayName("health is UP against a running broker")
    void healthUp() {
        try (EventBus bus = EventBus.open(KafkaTestSupport.busConfig())) {
            KafkaTestSupport.await("health is UP", () -> bus.health().status() == BusHealth.Status.UP);
            assertTrue(bus.health().detail().contains("1 broker(s) answering"), bus.health().detail());
        }
    }
}
