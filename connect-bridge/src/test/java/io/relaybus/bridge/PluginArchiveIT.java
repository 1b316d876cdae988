package io.relaybus.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Gap 10: the plugin archive as Confluent Hub expects it (runs after {@code package}, no worker needed). */
class PluginArchiveIT {

    @Test
    @DisplayName("owner-name-version.zip with manifest (source_url, release_date), LICENSE, sample configs, no "
            + "worker jars")
    void archiveLayout() throws IOException {
        Path zip = Path.of(System.getProperty("bridge.plugin.archive", "target/missing.zip"));
        Map<String, byte[]> entries = new HashMap<>();
        List<String> libs = new ArrayList<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (ZipEntry e : java.util.Collections.list(z.entries())) {
                if (!e.isDirectory()) {
                    entries.put(e.getName(), z.getInputStream(e).readAllBytes());
                }
            }
        }
        String top = entries.keySet().iterator().next().split("/")[0];
        JsonNode manifest = new ObjectMapper().readTree(entries.get(top + "/manifest.json"));
        String version = manifest.get("version").asText();
        String expected = manifest.get("owner").get("username").asText() + "-" + manifest.get("name").asText() + "-"
                + version;
        assertEquals(expected + ".zip", zip.getFileName().toString());
        assertEquals(expected, top);
        assertTrue(manifest.get("source_url").asText().startsWith("https://"), manifest.toString());
        assertTrue(manifest.get("release_date").asText().matches("\\d{4}-\\d{2}-\\d{2}"), manifest.toString());
        assertTrue(new String(entries.get(top + "/doc/LICENSE"), StandardCharsets.UTF_8).contains("Apache License"));
        assertTrue(Files.exists(Path.of("..", "LICENSE")), "LICENSE in the repository");
        for (String sample : List.of("nats-source.json", "nats-sink.json")) {
            JsonNode config = new ObjectMapper().readTree(entries.get(top + "/etc/" + sample));
            assertTrue(config.get("config").get("connector.class").asText().startsWith("io.relaybus.bridge."));
        }
        entries.keySet().stream().filter(n -> n.startsWith(top + "/lib/")).forEach(libs::add);
        assertTrue(libs.stream().anyMatch(n -> n.contains("transport-nats")), libs.toString());
        assertFalse(libs.stream().anyMatch(n -> n.contains("slf4j") || n.contains("kafka-clients")
                || n.contains("connect-api")), "the worker supplies these: " + libs);
    }
}
