package io.relaybus.nats;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.relaybus.api.BusRetriableException;
import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.embedded.EmbeddedNats;
import io.relaybus.tck.Received;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static io.relaybus.nats.NatsBrokerTest.receiving;
import static io.relaybus.nats.NatsBrokerTest.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Server restarts and lost consumers, against a server of this class's own (it is stopped and started). */
@Tag("broker")
class NatsResilienceTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static EmbeddedNats server;
    private final List<EventBus> buses = new ArrayList<>();

    @BeforeAll
    static void start() {
        server = EmbeddedNats.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void closeBuses() {
        buses.forEach(EventBus::close);
        if (!server.isRunning()) {
            server.restart();
        }
    }

    private EventBus bus(Object... keyValues) {
        EventBus bus = EventBus.open(NatsTestSupport.settings(NatsTestSupport.natsBus("nats.servers", server.url(),
                "nats.reconnect.wait.ms", "200"), keyValues));
        buses.add(bus);
        return bus;
    }

    private static List<String> publish(EventBus bus, String topic, int count) {
        List<CompletableFuture<?>> futures = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Event e = Event.of(topic, "k" + i, "e" + i);
            ids.add(e.id());
            futures.add(bus.publish(e).toCompletableFuture());
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
        return ids;
    }

    @Test
    @DisplayName("a subscriber without a group keeps receiving after the server restarted")
    void grouplessSurvivesRestart() {
        EventBus bus = bus();
        String topic = unique("restart-ephemeral");
        Received received = receiving(bus, SubscribeOptions.builder(topic).build());
        List<String> before = publish(bus, topic, 10);
        Received.await(TIMEOUT, "events before the restart arrived", () -> received.containsAll(before));

        server.restart();
        Received.await(TIMEOUT, "the bus reconnected", () -> bus.health().status() == io.relaybus.api.BusHealth.Status.UP);
        List<String> after = publish(bus, topic, 10);

        Received.await(TIMEOUT, "events after the restart arrived", () -> received.containsAll(after));
    }

    @Test
    @DisplayName("a group's consumer deleted on the server is created again without losing events")
    void deletedConsumerIsRecreated() throws Exception {
        EventBus bus = bus();
        String topic = unique("recreate");
        Received received = receiving(bus, SubscribeOptions.builder(topic).group("g").build());
        List<String> before = publish(bus, topic, 5);
        Received.await(TIMEOUT, "events before the deletion arrived", () -> received.containsAll(before));

        Connection admin = Nats.connect(server.url());
        try {
            JetStreamManagement jsm = admin.jetStreamManagement();
            NatsBrokerTest.deleteConsumer(jsm, topic, "g_" + topic);
            List<String> after = publish(bus, topic, 5);
            Received.await(TIMEOUT, "events published after the deletion arrived", () -> received.containsAll(after));
            assertEquals(List.of("g_" + topic), jsm.getConsumerNames(topic));
        } finally {
            admin.close();
        }
        assertEquals(0, received.duplicates());
    }

    @Test
    @DisplayName("publishing while the server is down fails within the publish timeout, retriable")
    void publishDuringOutageTimesOut() {
        EventBus bus = bus("nats.publish.timeout.ms", "1000");
        String topic = unique("outage");
        publish(bus, topic, 1);   // the stream exists and is known
        server.stop();
        Received.await(TIMEOUT, "the bus noticed", () -> bus.health().status() != io.relaybus.api.BusHealth.Status.UP);

        long start = System.nanoTime();
        CompletionException e = assertThrows(CompletionException.class, () -> bus.publish(Event.of(topic, "k", "x"))
                .toCompletableFuture().orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join());
        assertInstanceOf(BusRetriableException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains(server.url()), e.getCause().getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(15)) < 0);
    }

    @Test
    @DisplayName("server killed (SIGKILL) mid-stream and started again: every acknowledged event is delivered")
    void killedServerLosesNoAcknowledgedEvent() throws Exception {
        EventBus subscriber = bus();
        EventBus publisher = bus("nats.publish.timeout.ms", "3000");   // publishes lost in the kill fail sooner
        String topic = unique("kill");
        Received received = receiving(subscriber, SubscribeOptions.builder(topic).group("g").concurrency(2).build());
        List<CompletableFuture<io.relaybus.api.PublishReceipt>> futures = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            futures.add(publisher.publish(Event.of(topic, "k" + (i % 8), "e" + i)).toCompletableFuture());
            if (i == 500) {
                Received.await(TIMEOUT, "events flow before the kill", () -> received.total() > 0);
                server.kill();
                server.restart();
            }
        }
        List<String> acknowledged = new ArrayList<>();
        for (CompletableFuture<io.relaybus.api.PublishReceipt> f : futures) {
            try {
                acknowledged.add(f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).eventId());
            } catch (java.util.concurrent.ExecutionException failedDuringOutage) {
                assertInstanceOf(io.relaybus.api.BusException.class, failedDuringOutage.getCause());
            }
        }
        assertTrue(acknowledged.size() > 500, "acknowledged only " + acknowledged.size());
        Received.await(TIMEOUT.multipliedBy(2), "every acknowledged event was delivered ("
                + received.missing(acknowledged).size() + " missing)", () -> received.containsAll(acknowledged));
    }
}
