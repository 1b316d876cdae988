package io.relaybus.bridge;

import io.relaybus.spi.support.GeneratedSections;
import io.relaybus.spi.support.MarkdownTable;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** The README's configuration reference is generated from the connectors' Kafka Connect {@link ConfigDef}s. */
class ReadmeTablesTest {

    @Test
    @DisplayName("README.md holds the tables the connectors' ConfigDefs generate")
    void tablesAreCurrent() throws Exception {
        GeneratedSections.check(Path.of("README.md"), Map.of(
                "bridge-source-config", table(NatsSourceConfig.CONFIG_DEF),
                "bridge-sink-config", table(NatsSinkConfig.CONFIG_DEF)));
    }

    /** One row per key, in definition order. */
    static String table(ConfigDef def) {
        MarkdownTable table = new MarkdownTable("key", "type", "default", "valid values", "importance", "description");
        for (ConfigDef.ConfigKey key : def.configKeys().values()) {
            table.row(MarkdownTable.code(key.name), key.type.toString().toLowerCase(Locale.ROOT), defaultOf(key),
                    key.validator == null ? "" : key.validator.toString(),
                    key.importance.toString().toLowerCase(Locale.ROOT), key.documentation);
        }
        return table.toString();
    }

    private static String defaultOf(ConfigDef.ConfigKey key) {
        if (!key.hasDefault()) {
            return MarkdownTable.code("(required)");
        }
        if (key.defaultValue == null) {
            return "";
        }
        String s = ConfigDef.convertToString(key.defaultValue, key.type);
        return s.isEmpty() ? "\"\"" : MarkdownTable.code(s);
    }
}
