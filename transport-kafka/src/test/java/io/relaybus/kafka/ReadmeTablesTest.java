package io.relaybus.kafka;

import io.relaybus.spi.support.GeneratedSections;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

/** The README's tables are generated from {@link KafkaConfig#DEFINITION} and {@link KafkaProfile}. */
class ReadmeTablesTest {

    @Test
    @DisplayName("the configuration and profile tables in README.md match the definitions")
    void tablesAreGenerated() throws Exception {
        GeneratedSections.check(Path.of("README.md"), Map.of(
                "kafka-config", KafkaConfig.DEFINITION.toMarkdownTable(),
                "kafka-profiles", KafkaProfile.toMarkdownTable()));
    }
}
