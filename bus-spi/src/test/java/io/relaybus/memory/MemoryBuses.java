package io.relaybus.memory;

import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.EventBusBuilder;
import io.relaybus.api.EventHandler;
import io.relaybus.api.PublishReceipt;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;
import io.relaybus.api.interceptor.EventInterceptor;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Buses over the memory transport for one test (register with {@code @RegisterExtension} on an instance field): each
 * test gets a memory broker of its own, named after the test method; the buses it opens are closed after it and the
 * broker is then reset. Also the waits such tests share, each at most {@link #WAIT_SECONDS}.
 */
final class MemoryBuses implements BeforeEachCallback, AfterEachCallback {

    /** The longest any wait here takes before it fails the test. */
    static final long WAIT_SECONDS = 10;

    private final String brokerPrefix;
    private final List<EventBus> open = new ArrayList<>();
    private String broker;

    /** @param brokerPrefix put before the test method's name to name the test's broker */
    MemoryBuses(String brokerPrefix) {
        this.brokerPrefix = brokerPrefix;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        broker = brokerPrefix + context.getRequiredTestMethod().getName();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        open.forEach(EventBus::close);
        open.clear();
        MemoryBroker.reset(broker);
    }

    /** The name of the current test's memory broker ({@code memory.broker}). */
    String broker() {
        return broker;
    }

    /** A bus on the test's broker with settings given as key, value pairs; closed after the test. */
    EventBus open(String... settings) {
        return open(List.of(), settings);
    }

    /** A bus on the test's broker with {@code interceptors} and settings as key, value pairs; closed after the test. */
    EventBus open(List<EventInterceptor> interceptors, String... settings) {
        EventBusBuilder builder = EventBus.builder().transport("memory").property("memory.broker", broker);
        for (int i = 0; i < settings.length; i += 2) {
            builder.property(settings[i], settings[i + 1]);
        }
        interceptors.forEach(builder::interceptor);
        EventBus bus = builder.build();
        open.add(bus);
        return bus;
    }

    /** Subscribes and waits until the subscription is ready. */
    static Subscription subscribe(EventBus bus, SubscribeOptions options, EventHandler h) {
        Subscription s = bus.subscribe(options, h);
        s.ready().toCompletableFuture().orTimeout(WAIT_SECONDS, TimeUnit.SECONDS).join();
        return s;
    }

    /** Publishes and waits for the receipt. */
    static PublishReceipt publish(EventBus bus, Event e) {
        return bus.publish(e).toCompletableFuture().orTimeout(WAIT_SECONDS, TimeUnit.SECONDS).join();
    }

    /** Polls {@code condition} until it holds; fails the test, naming {@code what}, after {@link #WAIT_SECONDS}. */
    static void waitUntil(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(1);   // polling interval, not a stand-in for the condition
        }
    }
}
