package io.relaybus.nats;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.relaybus.api.EventBus;
import io.relaybus.api.EventHandler;
import io.relaybus.api.StartPosition;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;
import io.relaybus.embedded.TestBrokers;
import io.relaybus.spi.DeliverySink;
import io.relaybus.spi.SubscriptionSpec;
import io.relaybus.spi.TransportContext;
import io.relaybus.tck.Received;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
        return bus(NatsTestSupport.settings(Map.of(), keyValues));
    }

    static Subscription subscribeReady(EventBus bus, SubscribeOptions options, EventHandler handler) {
        Subscription s = bus.subscribe(options, handler);
        s.ready().toCompletableFuture().orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
        return s;
    }

    /**
     * Subscribes {@code options} on {@code bus} with a handler that records every event; returns the record once the
     * subscription is ready.
     */
    static Received receiving(EventBus bus, SubscribeOptions options) {
        Received received = new Received();
        subscribeReady(bus, options, received::add);
        return received;
    }

    /** A transport (not a bus) named {@code name} on the shared server with {@code settings}; closed after the test. */
    NatsTransport transport(String name, Map<String, Object> settings) {
        Map<String, Object> config = new HashMap<>(settings);
        config.put("nats.servers", TestBrokers.nats().address());
        NatsTransport t = (NatsTransport) new NatsTransportProvider().create(new TransportContext(name,
                NatsConfig.DEFINITION.parse(config)));
        toClose.add(t);
        return t;
    }

    /** Group {@code g}'s pull subscription to {@code topic} from the earliest event, ready; closed after the test. */
    PullConsumerSubscription pullSubscription(NatsTransport t, String topic, DeliverySink sink) {
        PullConsumerSubscription s = (PullConsumerSubscription) t.subscribe(new SubscriptionSpec(topic, "g",
                StartPosition.EARLIEST, 100), sink);
        toClose.add(s::close);
        s.ready().orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
        return s;
    }

    /** {@code base} with a random suffix: a topic (or group) of the test's own on the shared server. */
    static String unique(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Creates a memory stream as an operator would: named {@code <BASE><random>} in upper case, capturing
     * {@code <base><random>.>}. Returns the subject prefix {@code <base><random>}.
     */
    static String operatorWildcardStream(String base) throws IOException, JetStreamApiException {
        String prefix = base + UUID.randomUUID().toString().substring(0, 8);
        jsm.addStream(StreamConfiguration.builder().name(prefix.toUpperCase()).subjects(prefix + ".>")
                .storageType(StorageType.Memory).build());
        return prefix;
    }

    /** What the server says about {@code consumer} of {@code stream} now. */
    static ConsumerInfo consumerInfo(String stream, String consumer) {
        try {
            return jsm.getConsumerInfo(stream, consumer);
        } catch (IOException | JetStreamApiException e) {
            throw new AssertionError("cannot read consumer " + consumer + " of stream " + stream, e);
        }
    }

    /**
     * Deletes {@code consumer} of {@code stream}, trying again until it is gone: nats-server 2.9 sometimes fails a
     * deletion racing with the consumer's own writes ("directory not empty"), and an operator would try again too.
     */
    static void deleteConsumer(JetStreamManagement jsm, String stream, String consumer) {
        Received.await(TIMEOUT, "consumer " + consumer + " was deleted", () -> {
            try {
                return jsm.deleteConsumer(stream, consumer);
            } catch (JetStreamApiException e) {
                return e.getApiErrorCode() == 10014;   // consumer not found: gone
            } catch (IOException e) {
                return false;
            }
        });
    }
}
