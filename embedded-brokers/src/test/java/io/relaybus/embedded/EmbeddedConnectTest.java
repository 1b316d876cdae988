package io.relaybus.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The pure logic of the Connect worker launcher: plugin isolation of the class path and reading REST answers. */
@Tag("broker")
class EmbeddedConnectTest {

    @Test
    @DisplayName("artifact names ignore versions and name a module's target/classes by its directory")
    void artifactNames() {
        assertEquals("jnats", EmbeddedConnect.artifactName(Path.of("/m2/io/nats/jnats/2.26.2/jnats-2.26.2.jar")));
        assertEquals("bus-spi", EmbeddedConnect.artifactName(Path.of("lib/bus-spi-0.1.0-SNAPSHOT.jar")));
        assertEquals("HdrHistogram", EmbeddedConnect.artifactName(Path.of("HdrHistogram-2.2.2.jar")));
        assertEquals("kafka_2.13", EmbeddedConnect.artifactName(Path.of("kafka_2.13-4.3.1.jar")));
        assertEquals("connect-bridge", EmbeddedConnect.artifactName(Path.of("/w/connect-bridge/target/classes")));
        assertEquals("connect-bridge", EmbeddedConnect.artifactName(Path.of("/w/connect-bridge/target/test-classes")));
    }

    @Test
    @DisplayName("the worker class path loses every artifact the plugin ships but slf4j-api, and must keep "
            + "embedded-brokers")
    void isolation() {
        Path ownClasses = Path.of(ConnectWorkerMain.class.getProtectionDomain().getCodeSource().getLocation()
                .getPath());
        List<Path> given = List.of(Path.of("/m2/jnats-2.26.2.jar"), Path.of("/w/bus-spi/target/classes"),
                Path.of("/m2/connect-runtime-4.3.1.jar"), ownClasses);
        List<Path> kept = EmbeddedConnect.isolate(given, Set.of("jnats", "bus-spi", "connect-bridge"));
        assertEquals(List.of(Path.of("/m2/connect-runtime-4.3.1.jar"), ownClasses.toAbsolutePath()), kept);

        // Connect loads org.slf4j from the worker whatever a plugin ships: slf4j-api stays.
        assertEquals(List.of(Path.of("/m2/slf4j-api-2.0.17.jar"), ownClasses.toAbsolutePath()), EmbeddedConnect.isolate(
                List.of(Path.of("/m2/slf4j-api-2.0.17.jar"), ownClasses), Set.of("slf4j-api", "bus-spi")));

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> EmbeddedConnect.isolate(List.of(Path.of("/m2/connect-runtime-4.3.1.jar")), Set.of("jnats")));
        assertTrue(e.getMessage().contains("must include io.relaybus:embedded-brokers"), e.getMessage());
    }

    @Test
    @DisplayName("connector status: the connector's state and each task's, escaped traces ignored")
    void status() {
        String body = "{\"name\":\"s\",\"connector\":{\"state\":\"RUNNING\",\"worker_id\":\"127.0.0.1:1\"},"
                + "\"tasks\":[{\"id\":0,\"state\":\"RUNNING\",\"worker_id\":\"w\"},{\"id\":1,\"state\":\"FAILED\","
                + "\"trace\":\"x \\\"state\\\":\\\"RUNNING\\\"\"}],\"type\":\"source\"}";
        ConnectRest.Status s = ConnectRest.status(body);
        assertEquals("RUNNING", s.connector());
        assertEquals(List.of("RUNNING", "FAILED"), s.tasks());
        assertEquals(List.of(), ConnectRest.status("{\"connector\":{\"state\":\"UNASSIGNED\"},\"tasks\":[]}")
                .tasks());
    }

    @Test
    void pluginClassesAndJson() {
        assertEquals(List.of("a.Source", "b.Sink"), ConnectRest.pluginClasses(
                "[{\"class\":\"a.Source\",\"type\":\"source\",\"version\":\"1\"},{\"class\":\"b.Sink\"}]"));
        Map<String, String> config = new LinkedHashMap<>();
        config.put("kafka.topic.regex", "^a\\.(\\w+)$");
        config.put("note", "say \"hi\"\n");
        assertEquals("{\"kafka.topic.regex\":\"^a\\\\.(\\\\w+)$\",\"note\":\"say \\\"hi\\\"\\n\"}",
                ConnectRest.json(config));
    }

    @Test
    @DisplayName("a given directory that holds something else is refused, not wiped")
    void foreignDirectoryIsNotWiped(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path keep = java.nio.file.Files.writeString(tmp.resolve("keep.txt"), "build output");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> EmbeddedConnect.builder("127.0.0.1:9").directory(tmp).pluginArchive(tmp.resolve("none.zip"))
                        .start());
        assertTrue(e.getMessage().contains("is not empty and was not used by an earlier EmbeddedConnect"),
                e.getMessage());
        assertTrue(java.nio.file.Files.exists(keep), "the file must survive");
    }
}
