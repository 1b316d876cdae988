package io.relaybus.runtime;

import io.relaybus.api.BusException;

import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the providers of one kind (transports, interceptors) with {@link ServiceLoader} under the rules both share:
 * a provider that fails to load, or whose {@code name()} fails or breaks the naming rule, is reported in
 * {@link #failures()} (and logged), never silently skipped; two providers of one name fail, naming both jars.
 * Immutable once loaded.
 *
 * @param <P> the provider type
 */
final class NamedProviders<P> {

    private static final Logger LOG = LoggerFactory.getLogger(NamedProviders.class);
    /** Lowercase letters, digits and dashes, starting with a letter or digit. */
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

    private final String kind;
    private final Map<String, P> providers;
    private final List<String> failures;

    private NamedProviders(String kind, Map<String, P> providers, List<String> failures) {
        this.kind = kind;
        this.providers = providers;
        this.failures = failures;
    }

    /**
     * Loads every provider of {@code type} visible to {@code loader}.
     *
     * @param kind     "transport" or "interceptor", for messages
     * @param nameOf   the provider's name
     * @param reserved a name no provider may take, or null
     * @throws BusException when two providers share a name
     */
    static <P> NamedProviders<P> load(Class<P> type, ClassLoader loader, String kind, Function<P, String> nameOf,
                                      String reserved) {
        Map<String, P> found = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        Iterator<P> it = ServiceLoader.load(type, loader).iterator();
        String rule = "lowercase letters, digits and dashes"
                + (reserved == null ? "" : "; not '" + reserved + "', the runtime's namespace");
        while (true) {
            P p;
            try {
                if (!it.hasNext()) {
                    break;
                }
                p = it.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                failures.add(describe(e));
                LOG.warn("A" + (kind.startsWith("i") ? "n " : " ") + kind + " provider failed to load: " + describe(e),
                        e);
                continue;
            }
            String name;
            try {
                name = nameOf.apply(p);
            } catch (RuntimeException | LinkageError e) {
                failures.add(p.getClass().getName() + ": name() failed: " + e);
                continue;
            }
            if (name == null || !NAME.matcher(name).matches() || name.equals(reserved)) {
                failures.add(p.getClass().getName() + ": invalid " + kind + " name '" + name + "' (" + rule + ")");
                continue;
            }
            P previous = found.putIfAbsent(name, p);
            if (previous != null) {
                throw new BusException(Character.toUpperCase(kind.charAt(0)) + kind.substring(1) + " name '" + name
                        + "' is provided twice: " + origin(previous) + " and " + origin(p)
                        + "; remove one of the jars from the class path");
            }
        }
        return new NamedProviders<>(kind, found, List.copyOf(failures));
    }

    /** Providers by name, sorted; unmodifiable. */
    Map<String, P> providers() {
        return java.util.Collections.unmodifiableMap(providers);
    }

    /** One line per provider that failed to load: its class and the error. */
    List<String> failures() {
        return failures;
    }

    /** The provider of {@code name}, or null. */
    P get(String name) {
        return providers.get(name);
    }

    /** The names found, comma-separated in order, or "none". */
    String found() {
        return providers.isEmpty() ? "none" : String.join(", ", providers.keySet());
    }

    /** "; providers that failed to load: ..." listing {@link #failures()}, or "" when none failed; ends messages. */
    String failedSuffix() {
        return failures.isEmpty() ? "" : "; providers that failed to load: " + String.join("; ", failures);
    }

    /**
     * Why {@code name}, which no provider has, cannot be used: for a name of {@code knownArtifacts}, the artifact to
     * add; otherwise that there is no such provider. Either lists the names found and the providers that failed.
     */
    String notFound(String name, Map<String, String> knownArtifacts) {
        String artifact = knownArtifacts.get(name);
        return artifact != null
                ? kind + " '" + name + "' is not on the class path; add the artifact " + artifact + " (" + kind
                        + "s found: " + found() + ")" + failedSuffix()
                : "no such " + kind + "; " + kind + "s found on the class path: " + found() + failedSuffix();
    }

    /** The provider's class and the jar (or directory) it came from. */
    static String origin(Object p) {
        CodeSource cs = p.getClass().getProtectionDomain().getCodeSource();
        return p.getClass().getName() + " (" + (cs == null || cs.getLocation() == null ? "unknown location"
                : cs.getLocation()) + ")";
    }

    /** The error and its causes, on one line. */
    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(e.toString());
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            sb.append(" caused by ").append(c);
        }
        return sb.toString();
    }
}
