package io.relaybus.micrometer;

import io.relaybus.spi.support.GeneratedSections;
import io.relaybus.spi.support.MarkdownTable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

/** The root README's meter table is generated from {@link MeterDocs#METERS}. */
class ReadmeTablesTest {

    @Test
    @DisplayName("the README's meter table matches MeterDocs")
    void meterTableIsCurrent() throws Exception {
        MarkdownTable table = new MarkdownTable("meter", "type", "unit", "tags", "in Prometheus", "what it measures");
        for (MeterDocs.Meter m : MeterDocs.METERS) {
            table.row(MarkdownTable.code(m.name()), m.type(), m.unit(), m.tags(), MarkdownTable.code(m.prometheus()),
                    m.description());
        }
        GeneratedSections.check(Path.of("..", "README.md"), Map.of("meters", table.toString()));
    }
}
