package io.relaybus.runtime;

import io.relaybus.api.BusConfigException;
import io.relaybus.api.BusException;
import io.relaybus.api.interceptor.EventInterceptor;
import io.relaybus.api.interceptor.EventInterceptorProvider;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The interceptors named in {@code bus.interceptors}, found with {@link ServiceLoader} as
 * {@link EventInterceptorProvider}s. The same rules as for transports: an unknown name lists the interceptors found,
 * a known name whose jar is missing says which artifact to add, two providers of one name fail naming both, and a
 * provider that fails to load is reported in the message, never silently skipped. Immutable; thread safe.
 */
final class InterceptorRegistry {


    /** Interceptors this project ships, and the artifact that brings each. */
    static final Map<String, String> KNOWN_ARTIFACTS = Map.of(
            "micrometer", "io.relaybus:bus-micrometer",
            "opentelemetry", "io.relaybus:bus-opentelemetry");

    private final Map<String, EventInterceptorProvider> providers;
    private final List<String> failures;

    private InterceptorRegistry(Map<String, EventInterceptorProvider> providers, List<String> failures) {
        this.providers = providers;
        this.failures = failures;
    }

    /** Finds every provider visible to {@code loader}; throws a {@link BusException} when two share a name. */
    static InterceptorRegistry load(ClassLoader loader) {
        NamedProviders<EventInterceptorProvider> loaded = NamedProviders.load(EventInterceptorProvider.class, loader, "interceptor", EventInterceptorProvider::name, null);
        return new InterceptorRegistry(loaded.providers(), loaded.failures());
    }

    /**
     * The providers for {@code names}, in order; every name that cannot be resolved adds a problem under
     * {@code key} instead.
     */
    List<EventInterceptorProvider> select(String key, List<String> names, List<BusConfigException.Problem> problems) {
        List<EventInterceptorProvider> selected = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String failed = failures.isEmpty() ? "" : "; providers that failed to load: " + String.join("; ", failures);
        String foundList = providers.isEmpty() ? "none" : String.join(", ", providers.keySet());
        for (String name : names) {
            if (!seen.add(name)) {
                problems.add(new BusConfigException.Problem(key, name, "interceptor '" + name + "' is listed twice; "
                        + "name each interceptor once"));
                continue;
            }
            EventInterceptorProvider p = providers.get(name);
            if (p != null) {
                selected.add(p);
                continue;
            }
            String artifact = KNOWN_ARTIFACTS.get(name);
            problems.add(new BusConfigException.Problem(key, name, artifact != null
                    ? "interceptor '" + name + "' is not on the class path; add the artifact " + artifact
                            + " (interceptors found: " + foundList + ")" + failed
                    : "no such interceptor; interceptors found on the class path: " + foundList + failed));
        }
        return selected;
    }

    /** Creates the interceptor of {@code provider} for one bus. */
    static EventInterceptor create(EventInterceptorProvider provider, Map<String, Object> config) {
        EventInterceptor interceptor;
        try {
            interceptor = provider.create(config);
        } catch (BusException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            throw new BusException("Interceptor '" + provider.name() + "' (" + provider.getClass().getName()
                    + ") failed to start: " + e, e);
        }
        if (interceptor == null) {
            throw new BusException("Interceptor '" + provider.name() + "' (" + provider.getClass().getName()
                    + ") created no interceptor (null); fix its provider");
        }
        return interceptor;
    }
}
