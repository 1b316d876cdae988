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

    private final NamedProviders<EventInterceptorProvider> providers;

    private InterceptorRegistry(NamedProviders<EventInterceptorProvider> providers) {
        this.providers = providers;
    }

    /** Finds every provider visible to {@code loader}; throws a {@link BusException} when two share a name. */
    static InterceptorRegistry load(ClassLoader loader) {
        return new InterceptorRegistry(NamedProviders.load(EventInterceptorProvider.class, loader, "interceptor",
                EventInterceptorProvider::name, null));
    }

    /**
     * The providers for {@code names}, in order; every name that cannot be resolved adds a problem under
     * {@code key} instead.
     */
    List<EventInterceptorProvider> select(String key, List<String> names, List<BusConfigException.Problem> problems) {
        List<EventInterceptorProvider> selected = new ArrayList<>();
        Set<String> seen = new HashSet<>();
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
            problems.add(new BusConfigException.Problem(key, name, providers.notFound(name, KNOWN_ARTIFACTS)));
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
