package io.relaybus.spi.discovery;

import io.relaybus.api.BusConfigException;
import io.relaybus.api.BusException;
import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.EventBusBuilder;
import io.relaybus.api.interceptor.EventInterceptor;
import io.relaybus.api.interceptor.PublishContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Interceptors named in {@code bus.interceptors}: which ones a user gets and what they read when it goes wrong, each
 * case on its own class path. Messages are asserted exactly.
 */
@DisplayName("Interceptor discovery by name (bus.interceptors)")
class InterceptorDiscoveryTest {

    private static final String STAMP = HeaderInterceptorProvider.class.getName();
    private static final String SECOND_STAMP = SecondHeaderInterceptorProvider.class.getName();
    private static final String OTHER = OtherInterceptorProvider.class.getName();
    private static final String FAILING = FailingInterceptorProvider.class.getName();

    @TempDir
    Path dir;

    /** Publishes one event over {@code bus} and returns the {@code stamp} header its subscriber received. */
    private static String stampReceived(EventBus bus) throws InterruptedException {
        BlockingQueue<Event> received = new LinkedBlockingQueue<>();
        bus.subscribe("orders", received::add).ready().toCompletableFuture().join();
        bus.publish(Event.builder("orders").build()).toCompletableFuture().join();
        return received.poll(10, TimeUnit.SECONDS).headers().get("stamp");
    }

    /**
     * Building a bus with the properties {@code keyValues} (key, value, key, value...) on a class path of interceptor
     * {@code providers} fails with {@code type}; returns that error.
     */
    private <E extends Throwable> E buildFails(Class<E> type, List<String> providers, String... keyValues)
            throws Exception {
        try (URLClassLoader loader = IsolatedClassPath.interceptors(dir, providers.toArray(String[]::new))) {
            EventBusBuilder builder = EventBus.builder().classLoader(loader);
            for (int i = 0; i < keyValues.length; i += 2) {
                builder.property(keyValues[i], keyValues[i + 1]);
            }
            return assertThrows(type, builder::build);
        }
    }

    @Test
    @DisplayName("a named interceptor is created with the bus's configuration and applied")
    void namedInterceptorApplies() throws Exception {
        try (URLClassLoader loader = IsolatedClassPath.interceptors(dir, STAMP, OTHER);
             EventBus bus = EventBus.builder().classLoader(loader).property("memory.broker", "interceptor-named")
                     .property("bus.interceptors", "stamp").property("stamp.value", "v1").build()) {
            assertEquals("v1", stampReceived(bus));
        }
    }

    @Test
    @DisplayName("builder interceptors run first, then the configured ones in list order")
    void builderFirstThenConfiguredInOrder() throws Exception {
        EventInterceptor builderOne = new EventInterceptor() {
            @Override
            public void beforePublish(PublishContext context) {
                context.header("stamp", "builder");
            }
        };
        try (URLClassLoader loader = IsolatedClassPath.interceptors(dir, STAMP, OTHER);
             EventBus bus = EventBus.builder().classLoader(loader).property("memory.broker", "interceptor-order")
                     .interceptor(builderOne).property("bus.interceptors", "other, stamp")
                     .property("stamp.value", "v1").build()) {
            assertEquals("builder,other,v1", stampReceived(bus));
        }
    }

    @Test
    @DisplayName("an unknown name lists the interceptors found, together with every other configuration problem")
    void unknownNameListsFound() throws Exception {
        BusConfigException e = buildFails(BusConfigException.class, List.of(STAMP, OTHER),
                "bus.interceptors", "stamp,tracing", "bus.dispatch.queue.capacity", "-5");
        assertEquals("2 configuration problems:\n"
                + "  - Invalid value -5 for configuration bus.dispatch.queue.capacity: must be between 1 and 1000000\n"
                + "  - Invalid value tracing for configuration bus.interceptors: no such interceptor; interceptors "
                + "found on the class path: other, stamp", e.getMessage());
    }

    @Test
    @DisplayName("a known interceptor whose jar is missing names the artifact to add")
    void knownNameWithoutJarNamesArtifact() throws Exception {
        BusConfigException e = buildFails(BusConfigException.class, List.of(),
                "bus.interceptors", "micrometer,opentelemetry");
        assertEquals("2 configuration problems:\n"
                + "  - Invalid value micrometer for configuration bus.interceptors: interceptor 'micrometer' is not "
                + "on the class path; add the artifact io.relaybus:bus-micrometer (interceptors found: none)\n"
                + "  - Invalid value opentelemetry for configuration bus.interceptors: interceptor 'opentelemetry' "
                + "is not on the class path; add the artifact io.relaybus:bus-opentelemetry (interceptors found: "
                + "none)", e.getMessage());
    }

    @Test
    @DisplayName("a name listed twice is refused")
    void listedTwiceRefused() throws Exception {
        BusConfigException e = buildFails(BusConfigException.class, List.of(STAMP),
                "bus.interceptors", "stamp,stamp");
        assertEquals("Invalid value stamp for configuration bus.interceptors: interceptor 'stamp' is listed twice; "
                + "name each interceptor once", e.getMessage());
    }

    @Test
    @DisplayName("two providers of one name fail, naming both")
    void duplicateProvidersFail() throws Exception {
        BusException e = buildFails(BusException.class, List.of(STAMP, SECOND_STAMP), "bus.interceptors", "stamp");
        String location = HeaderInterceptorProvider.class.getProtectionDomain().getCodeSource().getLocation()
                .toString();
        assertEquals("Interceptor name 'stamp' is provided twice: " + STAMP + " (" + location + ") and "
                + SECOND_STAMP + " (" + location + "); remove one of the jars from the class path", e.getMessage());
    }

    @Test
    @DisplayName("a provider that fails to load is reported, and the others still work")
    void failingProviderReported() throws Exception {
        String failingLine = "java.util.ServiceConfigurationError: io.relaybus.api.interceptor.EventInterceptorProvider: "
                + "Provider " + FAILING + " could not be instantiated caused by java.lang.IllegalStateException: "
                + FailingInterceptorProvider.MESSAGE;
        try (URLClassLoader loader = IsolatedClassPath.interceptors(dir, FAILING, OTHER)) {
            BusConfigException e = assertThrows(BusConfigException.class, () -> EventBus.builder().classLoader(loader)
                    .property("bus.interceptors", "stamp").build());
            assertEquals("Invalid value stamp for configuration bus.interceptors: no such interceptor; interceptors "
                    + "found on the class path: other; providers that failed to load: " + failingLine, e.getMessage());
            try (EventBus bus = EventBus.builder().classLoader(loader).property("memory.broker", "interceptor-failing")
                    .property("bus.interceptors", "other").build()) {
                assertEquals("other", stampReceived(bus));
            }
        }
    }
}
