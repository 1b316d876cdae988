package io.relaybus.spi.discovery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;

/**
 * Builds the class path of one discovery case, as SLF4J's MultiBindingAssertionTest does with separate class paths:
 * a parent that sees the test class path's classes but none of its {@code META-INF/services} registrations (so
 * bus-spi's own memory registration is hidden too), and a child over a directory holding only the services files
 * the case lists.
 */
final class IsolatedClassPath {

    static final String TRANSPORT_SERVICES = "META-INF/services/io.relaybus.spi.TransportProvider";
    static final String FACTORY_SERVICES = "META-INF/services/io.relaybus.api.bootstrap.EventBusFactory";
    static final String INTERCEPTOR_SERVICES = "META-INF/services/io.relaybus.api.interceptor.EventInterceptorProvider";
    static final String MEMORY = "io.relaybus.memory.MemoryTransportProvider";

    private IsolatedClassPath() {
    }

    /** A loader whose only transport registrations are {@code providers}; the runtime stays visible. */
    static URLClassLoader transports(Path dir, String... providers) {
        return create(dir, Set.of(TRANSPORT_SERVICES), List.of(providers));
    }

    /** A loader that sees neither the runtime nor any transport registration. */
    static URLClassLoader nothing(Path dir) {
        return create(dir, Set.of(TRANSPORT_SERVICES, FACTORY_SERVICES), List.of());
    }

    /** A loader with the memory transport whose only interceptor registrations are {@code providers}. */
    static URLClassLoader interceptors(Path dir, String... providers) {
        write(dir, INTERCEPTOR_SERVICES, List.of(providers));
        return create(dir, Set.of(TRANSPORT_SERVICES, INTERCEPTOR_SERVICES), List.of(MEMORY));
    }

    private static void write(Path dir, String services, List<String> providers) {
        if (providers.isEmpty()) {
            return;
        }
        try {
            Path file = dir.resolve(services);
            Files.createDirectories(file.getParent());
            Files.write(file, providers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static URLClassLoader create(Path dir, Set<String> hidden, List<String> providers) {
        try {
            write(dir, TRANSPORT_SERVICES, providers);
            ClassLoader parent = new Hiding(IsolatedClassPath.class.getClassLoader(), hidden);
            return new URLClassLoader(new URL[] {dir.toUri().toURL()}, parent);
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Delegates everything except the hidden resources. */
    private static final class Hiding extends ClassLoader {
        private final Set<String> hidden;

        Hiding(ClassLoader parent, Set<String> hidden) {
            super(parent);
            this.hidden = hidden;
        }

        @Override
        public URL getResource(String name) {
            return hidden.contains(name) ? null : super.getResource(name);
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            return hidden.contains(name) ? Collections.emptyEnumeration() : super.getResources(name);
        }
    }
}
