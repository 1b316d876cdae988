package io.relaybus.runtime;

import io.relaybus.api.BusConfigException;
import io.relaybus.api.BusException;
import io.relaybus.api.EventBus;
import io.relaybus.spi.TransportProvider;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transports found on a class loader, and the rules for choosing one. It never guesses:
 * <ul>
 *   <li>a name given in {@code bus.transport} must match exactly one provider; an unknown name lists the transports
 *       found, a known name whose jar is missing says which artifact to add;</li>
 *   <li>with no name given, the embedded {@code memory} transport is used only when it is the only one found;
 *       otherwise the choice is refused, listing the transports found;</li>
 *   <li>two providers with one name fail, naming both jars;</li>
 *   <li>a provider that fails to load is reported in every message and logged, never silently skipped.</li>
 * </ul>
 * Immutable once loaded; thread safe.
 */
public final class TransportRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(TransportRegistry.class);

    /** The default transport, built into bus-spi. */
    public static final String MEMORY = "memory";

    /** Transports this project ships, and the artifact that brings each. */
    public static final Map<String, String> KNOWN_ARTIFACTS = Map.of(
            MEMORY, "io.relaybus:bus-spi",
            "kafka", "io.relaybus:transport-kafka",
            "nats", "io.relaybus:transport-nats");

    private final NamedProviders<TransportProvider> loaded;
    private final Map<String, TransportProvider> providers;
    private final List<String> failures;

    private TransportRegistry(NamedProviders<TransportProvider> loaded) {
        this.loaded = loaded;
        this.providers = loaded.providers();
        this.failures = loaded.failures();
    }

    /**
     * Finds every {@link TransportProvider} visible to {@code loader}.
     *
     * @throws BusException when two providers share a name
     */
    public static TransportRegistry load(ClassLoader loader) {
        return new TransportRegistry(NamedProviders.load(TransportProvider.class, loader, "transport",
                TransportProvider::name, "bus"));
    }

    /** Providers by name, sorted. */
    public Map<String, TransportProvider> providers() {
        return new LinkedHashMap<>(providers);
    }

    /** One line per provider that failed to load: its class and the error. */
    public List<String> failures() {
        return failures;
    }

    /**
     * Chooses the transport for {@code name} (the value of {@code bus.transport}, or null when not set).
     *
     * @throws BusConfigException naming {@code bus.transport}, its value and what is available
     * @throws BusException       when no transport at all is on the class path
     */
    public TransportProvider select(String name) {
        String failed = loaded.failedSuffix();
        if (providers.isEmpty()) {
            throw new BusException("No event-bus transport found on the class path: add " + KNOWN_ARTIFACTS.get(MEMORY)
                    + " for the in-memory transport, " + KNOWN_ARTIFACTS.get("kafka") + " or "
                    + KNOWN_ARTIFACTS.get("nats") + failed);
        }
        if (name == null || name.isBlank()) {
            if (providers.size() == 1 && providers.containsKey(MEMORY) && failures.isEmpty()) {
                return providers.get(MEMORY);
            }
            if (providers.size() == 1 && providers.containsKey(MEMORY)) {
                // A broken transport jar must not silently turn a production bus into an in-JVM one.
                throw new BusConfigException(EventBus.TRANSPORT_CONFIG, null, "only the built-in memory transport "
                        + "loaded, but other providers failed; fix them or set " + EventBus.TRANSPORT_CONFIG
                        + "=memory explicitly" + failed);
            }
            throw new BusConfigException(EventBus.TRANSPORT_CONFIG, null, "several transports are on the class path ("
                    + String.join(", ", providers.keySet()) + "); name one, for example " + EventBus.TRANSPORT_CONFIG
                    + "=" + firstNonMemory() + failed);
        }
        TransportProvider p = providers.get(name);
        if (p != null) {
            if (!failures.isEmpty()) {
                LOG.warn("Using transport {}; other providers failed to load: {}",
                        name, failures);
            }
            return p;
        }
        throw new BusConfigException(EventBus.TRANSPORT_CONFIG, name, loaded.notFound(name, KNOWN_ARTIFACTS));
    }

    private String firstNonMemory() {
        return providers.keySet().stream().filter(n -> !n.equals(MEMORY)).findFirst().orElse(MEMORY);
    }
}
