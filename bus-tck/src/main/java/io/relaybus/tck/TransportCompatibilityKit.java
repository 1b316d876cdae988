package io.relaybus.tck;

import io.relaybus.api.EventBus;
import io.relaybus.api.EventHandler;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Nested;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

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
 * Each contract is a {@link KitContract} subclass in a file of its own ({@link RoundTripContract}, ...,
 * {@link ChaosContract}), composed here as a {@code @Nested} class that extends it. Reports name each contract and the
 * subclass it ran in ({@code Round trip [KafkaTransportCompatibilityTest]}); each contract carries a tag
 * ({@code tck-round-trip}, ...) so it can be run alone. A contract that needs a feature the transport declares it
 * lacks is skipped with the reason.
 *
 * <p>Lifecycle: JUnit creates an instance per test. Every test uses fresh topic and group names, so a subclass may
 * share one broker across the whole suite; buses opened through {@link #openBus()} are closed after each test.
 */
@DisplayNameGeneration(KitDisplayNames.class)
public abstract class TransportCompatibilityKit {

    /** The configuration that opens a bus against the broker under test, {@code bus.transport} included. */
    protected abstract Map<String, Object> busConfig();

    /** What the transport can do; contracts needing more are skipped. */
    protected abstract Features features();

    /**
     * Stops the broker and starts it again on the same address with its data kept, or, for a transport without a
     * broker, a stand-in that reopens the same storage (the in-memory transport:
     * {@code MemoryTransportProvider.restartBroker(name)}). Called only when {@link Features#brokerRestart()} is
     * declared.
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

    @Nested
    class RoundTrip extends RoundTripContract {
        @Override
        protected TransportCompatibilityKit kit() {
            return TransportCompatibilityKit.this;
        }
    }

    @Nested
    class ConcurrentPublishers extends ConcurrentPublishersContract {
        @Override
        protected TransportCompatibilityKit kit() {
            return TransportCompatibilityKit.this;
        }
    }

    @Nested
    class ConsumerGroups extends ConsumerGroupsContract {
        @Override
        protected TransportCompatibilityKit kit() {
            return TransportCompatibilityKit.this;
        }
    }

    @Nested
    class PerKeyOrder extends PerKeyOrderContract {
        @Override
        protected TransportCompatibilityKit kit() {
            return TransportCompatibilityKit.this;
        }
    }

    @Nested
    class RetriesAndDeadLetters extends RetriesAndDeadLettersContract {
        @Override
        protected TransportCompatibilityKit kit() {
            return TransportCompatibilityKit.this;
        }
    }

    @Nested
    class Readiness extends ReadinessContract {
        @Override
        protected TransportCompatibilityKit kit() {
            return TransportCompatibilityKit.this;
        }
    }

    @Nested
    class CloseUnderLoad extends CloseUnderLoadContract {
        @Override
        protected TransportCompatibilityKit kit() {
            return TransportCompatibilityKit.this;
        }
    }

    @Nested
    class GroupPositions extends GroupPositionsContract {
        @Override
        protected TransportCompatibilityKit kit() {
            return TransportCompatibilityKit.this;
        }
    }

    @Nested
    class BrokerRestart extends BrokerRestartContract {
        @Override
        protected TransportCompatibilityKit kit() {
            return TransportCompatibilityKit.this;
        }
    }

    @Nested
    class Batches extends BatchContract {
        @Override
        protected TransportCompatibilityKit kit() {
            return TransportCompatibilityKit.this;
        }
    }

    @Nested
    class RefusalAndHold extends RefusalAndHoldContract {
        @Override
        protected TransportCompatibilityKit kit() {
            return TransportCompatibilityKit.this;
        }
    }

    @Nested
    class PauseResume extends PauseResumeContract {
        @Override
        protected TransportCompatibilityKit kit() {
            return TransportCompatibilityKit.this;
        }
    }

    @Nested
    class CloseHandoff extends CloseHandoffContract {
        @Override
        protected TransportCompatibilityKit kit() {
            return TransportCompatibilityKit.this;
        }
    }

    @Nested
    class Chaos extends ChaosContract {
        @Override
        protected TransportCompatibilityKit kit() {
            return TransportCompatibilityKit.this;
        }
    }

    @Nested
    class Configuration extends ConfigurationContract {
        @Override
        protected TransportCompatibilityKit kit() {
            return TransportCompatibilityKit.this;
        }
    }
}
