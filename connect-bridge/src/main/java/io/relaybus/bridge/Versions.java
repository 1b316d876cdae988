package io.relaybus.bridge;

/** The bridge version, from the jar manifest ({@code Implementation-Version}); "unknown" outside a jar. */
final class Versions {

    private Versions() {
    }

    static String version() {
        String v = Versions.class.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }
}
