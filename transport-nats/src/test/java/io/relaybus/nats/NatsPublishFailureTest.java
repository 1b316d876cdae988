package io.relaybus.nats;

import io.nats.client.JetStreamApiException;
import io.nats.client.api.ApiResponse;
import io.nats.client.support.JsonParser;
import io.relaybus.api.BusConfigException;
import io.relaybus.api.BusException;
import io.relaybus.api.BusFatalException;
import io.relaybus.api.BusRetriableException;
import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.embedded.TestBrokers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Topic names the broker can never store, and publish failures classified as fatal or retriable (issue 10, 3). */
@Tag("broker")
class NatsPublishFailureTest {

    @TempDir
    Path dir;

    private static JetStreamApiException apiError(int code, int apiCode, String description) throws Exception {
        return new JetStreamApiException(new ApiResponse<Object>(JsonParser.parse("{\"error\":{\"code\":" + code
                + ",\"err_code\":" + apiCode + ",\"description\":\"" + description + "\"}}")) { });
    }

    @Test
    @DisplayName("classification: too large / refused for good -> fatal; leader election, no responders, full -> retriable")
    void classification() throws Exception {
        String what = "Publishing event e to s";
        assertInstanceOf(BusFatalException.class, JetStreamPublisher.classify(what,
                new IllegalArgumentException("Message payload size exceed server configuration 2097152 vs 1048576"),
                "nats://h:4222"));
        assertInstanceOf(BusFatalException.class, JetStreamPublisher.classify(what,
                apiError(400, 10054, "message size exceeds maximum allowed"), "nats://h:4222"));
        assertInstanceOf(BusRetriableException.class, JetStreamPublisher.classify(what,
                apiError(503, 10008, "JetStream system temporarily unavailable"), "nats://h:4222"));
        assertInstanceOf(BusRetriableException.class, JetStreamPublisher.classify(what,
                apiError(500, 10009, "JetStream cluster can not handle request"), "nats://h:4222"));
        assertInstanceOf(BusRetriableException.class, JetStreamPublisher.classify(what,
                apiError(503, 10077, "maximum messages exceeded"), "nats://h:4222"));
        BusException noResponders = JetStreamPublisher.classify(what,
                new IllegalStateException("503 No Responders Available For Request"), "nats://h:4222");
        assertInstanceOf(BusRetriableException.class, noResponders);
        assertTrue(noResponders.getMessage().contains("electing"), noResponders.getMessage());
        assertInstanceOf(BusRetriableException.class, JetStreamPublisher.classify(what,
                new IOException("Timeout or no response"), "nats://h:4222"));
    }

    @Test
    @DisplayName("a topic that is no publishable subject is refused at subscribe time, naming the rule")
    void invalidTopicRefused() {
        try (EventBus bus = EventBus.open(Map.of("bus.transport", "nats", "nats.servers",
                TestBrokers.nats().address()))) {
            for (String topic : new String[] {"orders.*", "orders.>", "orders..eu", ".orders"}) {
                BusConfigException e = assertThrows(BusConfigException.class,
                        () -> bus.subscribe(SubscribeOptions.builder(topic).build(), ev -> { }));
                assertTrue(e.getMessage().contains(topic) && e.getMessage().contains("wildcard"), e.getMessage());
            }
            BusConfigException e = assertThrows(BusConfigException.class, () -> bus.subscribe(SubscribeOptions
                    .builder("orders").deadLetterTopic("orders.>").build(), ev -> { }));
            assertTrue(e.getMessage().contains("orders.>"), e.getMessage());
        }
    }

    @Test
    @DisplayName("an event above the server's max_payload fails fatal, in both modes")
    void tooLargeIsFatal() {
        for (String mode : new String[] {"jetstream", "core"}) {
            try (EventBus bus = EventBus.open(Map.of("bus.transport", "nats", "nats.mode", mode,
                    "nats.servers", TestBrokers.nats().address()))) {
                Event big = Event.builder("big-" + UUID.randomUUID().toString().substring(0, 8))
                        .payload(new byte[2 * 1024 * 1024]).build();
                CompletionException e = assertThrows(CompletionException.class, () -> bus.publish(big)
                        .toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join());
                assertInstanceOf(BusFatalException.class, e.getCause(), mode);
            }
        }
    }

    @Test
    @DisplayName("a JetStream publish the server refuses (permissions) fails fatal at once, not after the timeout")
    void permissionViolationIsFatal() throws Exception {
        Path conf = Files.writeString(dir.resolve("server.conf"), "jetstream { store_dir: \""
                + dir.resolve("js").toString().replace("\\", "/") + "\" }\n"
                + "authorization { users = [ { user: app, password: pw, permissions: { publish: { deny: "
                + "[\"denied.>\"] } } } ] }\n");
        try (PlainNatsServer server = PlainNatsServer.start("-c", conf.toString());
             EventBus bus = EventBus.open(Map.of("bus.transport", "nats", "nats.servers", server.url(),
                     "nats.user", "app", "nats.password", "pw", "nats.publish.timeout.ms", "20000"))) {
            long start = System.nanoTime();
            CompletionException e = assertThrows(CompletionException.class, () -> bus.publish(
                    Event.of("denied.orders", "k", "x")).toCompletableFuture().orTimeout(60, TimeUnit.SECONDS).join());
            assertInstanceOf(BusFatalException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("Permissions Violation")
                    && e.getCause().getMessage().contains("denied.orders"), e.getCause().getMessage());
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(15)) < 0,
                    "took the publish timeout");
            // allowed subjects still work on the same connection
            assertEquals(false, bus.publish(Event.of("allowed-orders", "k", "x")).toCompletableFuture()
                    .orTimeout(30, TimeUnit.SECONDS).join().duplicate());
        }
    }
}
