package io.relaybus.runtime;

import io.relaybus.memory.MemoryTransportProvider;
import io.relaybus.spi.support.GeneratedSections;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

/** The root README's bus.* and memory.* tables are generated from the definitions (see {@link GeneratedSections}). */
class ReadmeTablesTest {

    @Test
    @DisplayName("the README's bus.* and memory.* tables match the definitions")
    void readmeTablesAreCurrent() throws Exception {
        GeneratedSections.check(Path.of("..", "README.md"), Map.of(
                "bus", BusConfig.DEFINITION.toMarkdownTable(),
                "memory", new MemoryTransportProvider().configDef().toMarkdownTable()));
    }
}
