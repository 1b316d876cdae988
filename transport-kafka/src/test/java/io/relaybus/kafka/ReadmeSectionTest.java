package io.relaybus.kafka;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The README section's tables are generated from {@link KafkaConfig#DEFINITION} and {@link KafkaProfile}, never
 * hand-copied. This test fails when they drift; run it with {@code -Drelaybus.readme.update=true} to rewrite them.
 */
class ReadmeSectionTest {

    private static final Path README = Path.of("README.md");

    @Test
    @DisplayName("the configuration and profile tables in README.md match the definitions")
    void tablesAreGenerated() throws IOException {
        String text = Files.readString(README, StandardCharsets.UTF_8);
        String updated = replace(replace(text, "config", KafkaConfig.DEFINITION.toMarkdownTable()), "profiles",
                KafkaProfile.toMarkdownTable());
        if (Boolean.getBoolean("relaybus.readme.update")) {
            Files.writeString(README, updated, StandardCharsets.UTF_8);
            return;
        }
        assertEquals(updated, text, "README.md is out of date: run mvn -pl transport-kafka test "
                + "-Dtest=ReadmeSectionTest -Drelaybus.readme.update=true");
    }

    private static String replace(String text, String name, String table) {
        String begin = "<!-- generated:" + name + " (KafkaConfig.main / ReadmeSectionTest) -->\n";
        String end = "<!-- /generated:" + name + " -->";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new AssertionError("README.md lacks the markers " + begin.trim() + " ... " + end);
        }
        return text.substring(0, from + begin.length()) + table + text.substring(to);
    }
}
