package io.relaybus.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a bench-started Connect worker is made of, found without the user naming paths: the connect-bridge plugin
 * archive, a resource of bus-bench.jar ({@value #PLUGIN_RESOURCE}, copied there by the build), and the worker's class
 * path, the jars in {@code connect-worker-lib/} next to bus-bench.jar (or next to {@code target/classes} when run
 * from the build tree). The worker does not run from bus-bench.jar: that jar holds jnats and bus-spi, and the plugin
 * must load its own copies from its archive, as on a real worker.
 */
final class BridgeResources {

    static final String PLUGIN_RESOURCE = "/bridge/connect-bridge.zip";
    static final String WORKER_LIB = "connect-worker-lib";
    private static final String BUILD = "./mvnw -B -q -pl bus-bench -am package -DskipTests";

    private BridgeResources() {
    }

    /** Copies the plugin archive out of the jar into {@code dir}; returns the file. */
    static Path pluginArchive(Path dir) {
        try (InputStream in = BridgeResources.class.getResourceAsStream(PLUGIN_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("this bus-bench was built without the connect-bridge plugin archive ("
                        + PLUGIN_RESOURCE + " is missing); rebuild it with " + BUILD);
            }
            Path zip = dir.resolve("relaybus-connect-bridge.zip");
            Files.copy(in, zip, StandardCopyOption.REPLACE_EXISTING);
            return zip;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the plugin archive to " + dir, e);
        }
    }

    /** The jars of {@code connect-worker-lib/} beside the jar (or classes directory) holding the bench. */
    static List<Path> workerClassPath() {
        Path lib = workerLibDirectory();
        if (!Files.isDirectory(lib)) {
            throw new IllegalStateException("the Connect worker's jars are not in " + lib + ": the build puts them "
                    + "there next to bus-bench.jar (" + BUILD + "); keep that directory with the jar, or pass "
                    + "--connect-url to use a running Connect worker");
        }
        try (Stream<Path> files = Files.list(lib)) {
            List<Path> jars = files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
            if (jars.stream().noneMatch(j -> j.getFileName().toString().startsWith("connect-runtime-"))) {
                throw new IllegalStateException(lib + " has no connect-runtime jar; rebuild with " + BUILD);
            }
            return jars;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + lib, e);
        }
    }

    static Path workerLibDirectory() {
        try {
            Path self = Path.of(BridgeResources.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return self.toAbsolutePath().getParent().resolve(WORKER_LIB);
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            throw new IllegalStateException("cannot tell where bus-bench.jar is, to find " + WORKER_LIB + ": " + e, e);
        }
    }
}
