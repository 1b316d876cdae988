package io.relaybus.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The broker JVM runs in its own directory, so the class path it gets must not depend on ours. */
class ProcessSupportTest {

    @Test
    void relativeClassPathEntriesBecomeAbsolute() {
        String cwd = Path.of("").toAbsolutePath().toString();
        String given = "bus-bench/target/bus-bench.jar" + File.pathSeparator + "/opt/lib/kafka.jar"
                + File.pathSeparator + File.pathSeparator + "lib/*";
        assertEquals(cwd + "/bus-bench/target/bus-bench.jar" + File.pathSeparator + "/opt/lib/kafka.jar"
                + File.pathSeparator + cwd + "/lib/*", ProcessSupport.absolute(given));
    }
}
