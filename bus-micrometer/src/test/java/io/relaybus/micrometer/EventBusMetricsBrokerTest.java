package io.relaybus.micrometer;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.StartPosition;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;
import io.relaybus.embedded.TestBrokers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.relaybus.micrometer.Scenario.await;
import static io.relaybus.micrometer.Scenario.tags;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The meters on real brokers: the same scenario on Kafka and on NATS JetStream, and the broker-reported lag. */
@DisplayName("EventBusMetrics on real brokers")
@Tag("broker")
class EventBusMetricsBrokerTest {

    /** Runs the shared scenario, then a stalled subscription whose lag the broker reports. */
    abstract static class OnBroker {

        /** Bus configuration against the shared broker; {@code slowIntake} makes the intake take few events at once. */
        abstract Map<String, Object> config(boolean slowIntake);

        /** The configured {@code bus.transport}: the transport tag the meters carry. */
        String transport() {
            return (String) config(false).get(EventBus.TRANSPORT_CONFIG);
        }

        EventBus open(EventBusMetrics metrics, boolean slowIntake) {
            return EventBus.builder().properties(config(slowIntake)).interceptor(metrics).build();
        }

        @Test
        @DisplayName("publish, handling, retries, dead letters, end-to-end and queue depth")
        void scenario() {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (EventBus bus = open(Scenario.metricsBoundTo(registry), false)) {
                new Scenario().run(bus, registry, transport());
            }
        }

        @Test
        @DisplayName("consumer lag: the broker's backlog while the handler is stalled, zero once it caught up")
        void lag() throws Exception {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            EventBusMetrics metrics = Scenario.metricsBoundTo(registry);
            String topic = "lag-" + UUID.randomUUID().toString().substring(0, 8);
            CountDownLatch release = new CountDownLatch(1);
            try (EventBus bus = open(metrics, true)) {
                for (int i = 0; i < 50; i++) {
                    bus.publish(Event.builder(topic).payload("e" + i).build()).toCompletableFuture()
                            .get(60, TimeUnit.SECONDS);
                }
                Subscription s = bus.subscribe(SubscribeOptions.builder(topic).group("g").concurrency(1)
                        .startFrom(StartPosition.EARLIEST).build(), e -> release.await());
                s.ready().toCompletableFuture().get(60, TimeUnit.SECONDS);
                await("the broker reports a backlog", () -> registry.get(MeterDocs.LAG).tags(tags(transport(), topic,
                        "g")).gauge().value() > 10);
                release.countDown();
                await("the backlog is gone", () -> registry.get(MeterDocs.LAG).tags(tags(transport(), topic, "g"))
                        .gauge().value() == 0);
                afterLag(registry);
            }
        }

        void afterLag(SimpleMeterRegistry registry) {
        }
    }

    @Nested
    @DisplayName("Kafka")
    class Kafka extends OnBroker {
        @Override
        Map<String, Object> config(boolean slowIntake) {
            return Map.of("bus.transport", "kafka", "kafka.bootstrap.servers", TestBrokers.kafka().address(),
                    "kafka.profile", "latency", "bus.dispatch.queue.capacity", "1",
                    "kafka.consumer.max.poll.records", slowIntake ? "2" : "500");
        }

        /** kafka-clients' own metrics, bound with Micrometer's KafkaClientMetrics, for producer and consumer. */
        @Override
        void afterLag(SimpleMeterRegistry registry) {
            await("kafka-clients metrics bound", () -> registry.getMeters().stream().map(m -> m.getId().getName())
                    .anyMatch(n -> n.startsWith("kafka.consumer.")));
            assertTrue(registry.getMeters().stream().map(Meter::getId).anyMatch(id ->
                    id.getName().equals("kafka.producer.record.send.total")), "producer metrics missing");
            assertTrue(registry.getMeters().stream().map(Meter::getId).anyMatch(id ->
                    id.getName().equals("kafka.consumer.fetch.manager.records.consumed.total")),
                    "consumer metrics missing");
        }
    }

    @Nested
    @DisplayName("NATS JetStream")
    class Nats extends OnBroker {
        @Override
        Map<String, Object> config(boolean slowIntake) {
            return Map.of("bus.transport", "nats", "nats.servers", TestBrokers.nats().address(),
                    "bus.dispatch.queue.capacity", slowIntake ? "1" : "1024");
        }
    }
}
