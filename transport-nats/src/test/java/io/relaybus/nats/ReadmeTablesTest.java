package io.relaybus.nats;

import io.relaybus.spi.support.GeneratedSections;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

/** The README's configuration table is generated from {@link NatsConfig#DEFINITION}. */
class ReadmeTablesTest {

    @Test
    @DisplayName("README.md holds the table NatsConfig.DEFINITION generates")
    void tableIsCurrent() throws Exception {
        GeneratedSections.check(Path.of("README.md"), Map.of("nats-config", NatsConfig.DEFINITION.toMarkdownTable()));
    }
}
