package io.relaybus.nats;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.relaybus.api.EventBus;
import io.relaybus.api.EventHandler;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;
import io.relaybus.embedded.TestBrokers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The base of the tests against the shared nats-server: a plain jnats client to set up and inspect streams
 * ({@link #plain}, {@link #jsm}, {@link #js}), buses on the server, and what a test opens, closed after it in reverse
 * order ({@link #toClose}).
 */
@Tag("broker")
abstract class NatsBrokerTest {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static Connection plain;
    static JetStreamManagement jsm;
    static JetStream js;
    final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    static void connectPlainClient() throws Exception {
        plain = Nats.connect(TestBrokers.nats().address());
        jsm = plain.jetStreamManagement();
        js = plain.jetStream();
    }

    @AfterAll
    static void closePlainClient() throws InterruptedException {
        plain.close();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    /** A bus on the shared server with {@code extra} settings; closed after the test. */
    EventBus bus(Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(Map.of("bus.transport", "nats",
                "nats.servers", TestBrokers.nats().address()));
        config.putAll(extra);
        EventBus bus = EventBus.open(config);
        toClose.add(bus);
        return bus;
    }

    /** A bus on the shared server with settings given as key, value pairs; closed after the test. */
    EventBus bus(Object... keyValues) {
        Map<String, Object> extra = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            extra.put((String) keyValues[i], keyValues[i + 1]);
        }
        return bus(extra);
    }

    static Subscription subscribeReady(EventBus bus, SubscribeOptions options, EventHandler handler) {
        Subscription s = bus.subscribe(options, handler);
        s.ready().toCompletableFuture().orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
        return s;
    }
}
