package io.relaybus.spi.config;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The root README's configuration tables are generated from the definitions; this fails when they drift. */
class ReadmeReferenceTest {

    @Test
    @DisplayName("the README's bus.* and memory.* tables match the definitions")
    void readmeTablesAreCurrent() throws Exception {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        assertTrue(text.contains("<!-- generated:bus -->") && text.contains("<!-- generated:memory -->"),
                "README.md lost its generated-table markers");
        assertEquals(text, ConfigDocs.render(text, ConfigDocs.tables(getClass().getClassLoader())),
                "README.md is out of date: run java -cp <bus-spi and bus-api classes, HdrHistogram> "
                        + "io.relaybus.spi.config.ConfigDocs --write README.md");
    }
}
