package io.relaybus.api.bootstrap;

import io.relaybus.api.BusException;
import io.relaybus.api.EventBus;
import io.relaybus.api.interceptor.EventInterceptor;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Turns configuration into an {@link EventBus}. Implemented once, by the runtime in {@code io.relaybus:bus-spi}, and
 * found with {@link ServiceLoader}, so that {@code bus-api} depends on nothing. Implementations must be thread safe.
 */
public interface EventBusFactory {

    /**
     * Opens a bus.
     *
     * @param config       the configuration, never null, unmodifiable
     * @param interceptors interceptors registered on the builder, in order (those named in {@code bus.interceptors}
     *                     follow them); never null, unmodifiable
     * @param loader       the class loader to find transports and interceptors with
     */
    EventBus open(Map<String, Object> config, List<EventInterceptor> interceptors, ClassLoader loader);

    /** Opens a bus with only the interceptors named in its configuration. */
    default EventBus open(Map<String, Object> config, ClassLoader loader) {
        return open(config, List.of(), loader);
    }

    /**
     * Finds the runtime on {@code loader}.
     *
     * @throws BusException naming the artifact to add when there is none, or listing them when there are several
     */
    static EventBusFactory find(ClassLoader loader) {
        List<EventBusFactory> found = new ArrayList<>();
        List<String> broken = new ArrayList<>();
        Iterator<EventBusFactory> it = ServiceLoader.load(EventBusFactory.class, loader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                broken.add(e.toString());
            }
        }
        if (found.size() == 1) {
            return found.get(0);
        }
        if (found.isEmpty()) {
            throw new BusException("No event-bus runtime found on the class path: add io.relaybus:bus-spi (or a "
                    + "transport such as io.relaybus:transport-kafka, which brings it)"
                    + (broken.isEmpty() ? "" : "; runtimes that failed to load: " + broken));
        }
        List<String> names = found.stream().map(f -> f.getClass().getName()).toList();
        throw new BusException("Several event-bus runtimes found on the class path: " + names
                + "; keep exactly one io.relaybus:bus-spi jar");
    }
}
