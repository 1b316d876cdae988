package io.relaybus.spi.discovery;

import io.relaybus.api.BusConfigException;
import io.relaybus.api.BusException;
import io.relaybus.api.EventBus;
import io.relaybus.api.EventBusBuilder;
import io.relaybus.api.bootstrap.EventBusFactory;
import io.relaybus.spi.TransportProvider;
import io.relaybus.runtime.TransportRegistry;
import io.relaybus.memory.MemoryTransportProvider;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;

import static io.relaybus.spi.discovery.IsolatedClassPath.MEMORY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Which transport a user gets, and what they read when it goes wrong, each case on its own class path. Messages are
 * asserted exactly: they are the user interface of discovery.
 */
@DisplayName("Transport discovery and selection")
class TransportDiscoveryTest {

    private static final String ALPHA = AlphaTransportProvider.class.getName();
    private static final String BETA = BetaTransportProvider.class.getName();
    private static final String SECOND_ALPHA = SecondAlphaTransportProvider.class.getName();
    private static final String FAILING = FailingTransportProvider.class.getName();
    private static final String INVALID = InvalidNameTransportProvider.class.getName();

    private static final String FAILING_LINE = "java.util.ServiceConfigurationError: io.relaybus.spi.TransportProvider: "
            + "Provider " + FAILING + " could not be instantiated caused by java.lang.IllegalStateException: "
            + FailingTransportProvider.MESSAGE;

    @TempDir
    Path dir;

    /**
     * Opening a bus that names {@code transport} ({@code null}: names none) on a class path of {@code providers}
     * fails with {@code type}; returns that error.
     */
    private <E extends Throwable> E openFails(Class<E> type, String transport, String... providers) throws Exception {
        try (URLClassLoader loader = IsolatedClassPath.transports(dir, providers)) {
            EventBusBuilder builder = EventBus.builder().classLoader(loader);
            return assertThrows(type, () -> (transport == null ? builder : builder.transport(transport)).build());
        }
    }

    @Test
    @DisplayName("only memory and no name: the memory bus opens")
    void onlyMemoryAndNoNameOpensMemory() throws Exception {
        try (URLClassLoader loader = IsolatedClassPath.transports(dir, MEMORY);
             EventBus bus = EventBus.builder().classLoader(loader).property("memory.broker", "discovery-only").build()) {
            assertEquals("memory", bus.transport());
            assertEquals("in-memory broker 'discovery-only'", bus.health().detail());
        }
    }

    @Test
    @DisplayName("an unknown name lists the transports found")
    void unknownNameListsTransportsFound() throws Exception {
        BusConfigException e = openFails(BusConfigException.class, "gamma", MEMORY, ALPHA, BETA);
        assertEquals("Invalid value gamma for configuration bus.transport: no such transport; transports found on "
                + "the class path: alpha, beta, memory", e.getMessage());
        assertEquals(List.of(new BusConfigException.Problem("bus.transport", "gamma", "no such transport; "
                + "transports found on the class path: alpha, beta, memory")), e.problems());
    }

    @Test
    @DisplayName("a known transport whose jar is missing names the artifact to add")
    void knownNameWithoutJarNamesArtifact() throws Exception {
        BusConfigException e = openFails(BusConfigException.class, "kafka", MEMORY);
        assertEquals("Invalid value kafka for configuration bus.transport: transport 'kafka' is not on the class "
                + "path; add the artifact io.relaybus:transport-kafka (transports found: memory)", e.getMessage());
    }

    @Test
    @DisplayName("no transport at all names the artifacts to add")
    void noTransportFound() throws Exception {
        try (URLClassLoader loader = IsolatedClassPath.transports(dir)) {
            BusException e = assertThrows(BusException.class,
                    () -> EventBus.builder().classLoader(loader).transport("memory").build());
            assertEquals("No event-bus transport found on the class path: add io.relaybus:bus-spi for the in-memory "
                    + "transport, io.relaybus:transport-kafka or io.relaybus:transport-nats", e.getMessage());
            assertEquals(List.of(), TransportRegistry.load(loader).failures());
        }
    }

    @Test
    @DisplayName("several transports and no name: refused, listing them")
    void severalAndNoNameRefused() throws Exception {
        BusConfigException e = openFails(BusConfigException.class, null, MEMORY, BETA, ALPHA);
        assertEquals("Missing value for configuration bus.transport: several transports are on the class path "
                + "(alpha, beta, memory); name one, for example bus.transport=alpha", e.getMessage());
    }

    @Test
    @DisplayName("several transports without memory and no name: refused too")
    void severalWithoutMemoryRefused() throws Exception {
        try (URLClassLoader loader = IsolatedClassPath.transports(dir, ALPHA)) {
            BusConfigException e = assertThrows(BusConfigException.class,
                    () -> TransportRegistry.load(loader).select(null));
            assertEquals("Missing value for configuration bus.transport: several transports are on the class path "
                    + "(alpha); name one, for example bus.transport=alpha", e.getMessage());
        }
    }

    @Test
    @DisplayName("two providers with one name fail, naming both classes and where they come from")
    void duplicateNamesFail() throws Exception {
        BusException e = openFails(BusException.class, "memory", MEMORY, ALPHA, SECOND_ALPHA);
        String location = AlphaTransportProvider.class.getProtectionDomain().getCodeSource().getLocation().toString();
        assertEquals("Transport name 'alpha' is provided twice: " + ALPHA + " (" + location + ") and " + SECOND_ALPHA
                + " (" + location + "); remove one of the jars from the class path", e.getMessage());
    }

    @Test
    @DisplayName("a provider that fails to load is reported, and the others still work")
    void failingProviderReportedOthersWork() throws Exception {
        try (URLClassLoader loader = IsolatedClassPath.transports(dir, FAILING, MEMORY, ALPHA)) {
            TransportRegistry registry = TransportRegistry.load(loader);
            assertEquals(List.of(FAILING_LINE), registry.failures());
            assertEquals(List.of("alpha", "memory"), List.copyOf(registry.providers().keySet()));

            BusConfigException e = assertThrows(BusConfigException.class,
                    () -> EventBus.builder().classLoader(loader).transport("gamma").build());
            assertEquals("Invalid value gamma for configuration bus.transport: no such transport; transports found on "
                    + "the class path: alpha, memory; providers that failed to load: " + FAILING_LINE, e.getMessage());

            assertInstanceOf(AlphaTransportProvider.class, registry.select("alpha"));
            try (EventBus bus = EventBus.builder().classLoader(loader).transport("memory")
                    .property("memory.broker", "discovery-failing").build()) {
                assertEquals("memory", bus.transport());
            }
        }
    }

    @Test
    @DisplayName("a provider with an invalid name is reported in failures and in a failed selection")
    void invalidNameReported() throws Exception {
        try (URLClassLoader loader = IsolatedClassPath.transports(dir, INVALID, ALPHA)) {
            TransportRegistry registry = TransportRegistry.load(loader);
            String line = INVALID + ": invalid transport name 'Not Valid' (lowercase letters, digits and dashes; not 'bus', the runtime's namespace)";
            assertEquals(List.of(line), registry.failures());
            BusConfigException e = assertThrows(BusConfigException.class, () -> registry.select("memory"));
            assertEquals("Invalid value memory for configuration bus.transport: transport 'memory' is not on the "
                    + "class path; add the artifact io.relaybus:bus-spi (transports found: alpha); providers that "
                    + "failed to load: " + line, e.getMessage());
        }
    }

    @Test
    @DisplayName("nothing found and a provider failed: the failure is in the message")
    void noneFoundWithFailure() throws Exception {
        try (URLClassLoader loader = IsolatedClassPath.transports(dir, FAILING)) {
            BusException e = assertThrows(BusException.class, () -> TransportRegistry.load(loader).select("memory"));
            assertEquals("No event-bus transport found on the class path: add io.relaybus:bus-spi for the in-memory "
                    + "transport, io.relaybus:transport-kafka or io.relaybus:transport-nats; providers that failed to "
                    + "load: " + FAILING_LINE, e.getMessage());
        }
    }

    @Test
    @DisplayName("only memory loaded while another provider failed, and no name: refused rather than falling back")
    void noSilentMemoryFallbackWhenAProviderFailed() throws Exception {
        BusConfigException e = openFails(BusConfigException.class, null, MEMORY, FAILING);
        assertEquals("Missing value for configuration bus.transport: only the built-in memory transport loaded, "
                + "but other providers failed; fix them or set bus.transport=memory explicitly; providers that "
                + "failed to load: " + FAILING_LINE, e.getMessage());
    }

    @Test
    @DisplayName("the runtime selects the named provider among several")
    void namedProviderSelected() throws Exception {
        try (URLClassLoader loader = IsolatedClassPath.transports(dir, MEMORY, ALPHA, BETA)) {
            TransportRegistry registry = TransportRegistry.load(loader);
            TransportProvider beta = registry.select("beta");
            assertInstanceOf(BetaTransportProvider.class, beta);
            assertInstanceOf(MemoryTransportProvider.class, registry.select("memory"));
        }
    }

    @Test
    @DisplayName("no runtime visible: the bootstrap says to add io.relaybus:bus-spi")
    void noRuntimeSaysAddBusSpi() throws Exception {
        try (URLClassLoader loader = IsolatedClassPath.nothing(dir)) {
            BusException e = assertThrows(BusException.class, () -> EventBusFactory.find(loader));
            assertEquals("No event-bus runtime found on the class path: add io.relaybus:bus-spi (or a transport such "
                    + "as io.relaybus:transport-kafka, which brings it)", e.getMessage());
            BusException viaBuilder = assertThrows(BusException.class,
                    () -> EventBus.builder().classLoader(loader).build());
            assertEquals(e.getMessage(), viaBuilder.getMessage());
        }
    }
}
