package io.relaybus.bridge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.kafka.common.config.ConfigDef;

/**
 * Generates the configuration reference from the connectors' {@link ConfigDef}s (never hand-copied) and writes it
 * between the {@value #BEGIN} and {@value #END} markers of the given markdown file:
 * {@code mvn -pl connect-bridge exec:java@config-docs}. {@code ConfigDocsTest} fails when the file is stale.
 */
public final class ConfigDocs {

    static final String BEGIN = "<!-- BEGIN GENERATED CONFIG REFERENCE (io.relaybus.bridge.ConfigDocs) -->";
    static final String END = "<!-- END GENERATED CONFIG REFERENCE -->";

    private ConfigDocs() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args.length > 0 ? args[0] : "connect-bridge/README.md");
        String text = Files.exists(file) ? Files.readString(file) : BEGIN + "\n" + END + "\n";
        Files.writeString(file, splice(text, reference()), StandardCharsets.UTF_8);
        System.out.println("wrote the configuration reference into " + file.toAbsolutePath());
    }

    /** The markdown reference for both connectors. */
    static String reference() {
        return "#### Source connector `" + NatsSourceConnector.class.getName() + "`\n\n"
                + table(NatsSourceConfig.CONFIG_DEF)
                + "\n#### Sink connector `" + NatsSinkConnector.class.getName() + "`\n\n"
                + table(NatsSinkConfig.CONFIG_DEF);
    }

    static String splice(String text, String reference) {
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("the file has no " + BEGIN + " ... " + END + " markers");
        }
        return text.substring(0, begin + BEGIN.length()) + "\n" + reference + text.substring(end);
    }

    private static String table(ConfigDef def) {
        StringBuilder out = new StringBuilder();
        out.append("| Key | Type | Default | Valid values | Importance | Description |\n");
        out.append("|---|---|---|---|---|---|\n");
        List<ConfigDef.ConfigKey> keys = List.copyOf(def.configKeys().values());   // definition order
        for (ConfigDef.ConfigKey key : keys) {
            out.append("| `").append(key.name).append("` | ")
                    .append(key.type.toString().toLowerCase()).append(" | ")
                    .append(defaultOf(key)).append(" | ")
                    .append(key.validator == null ? "" : cell(key.validator.toString())).append(" | ")
                    .append(key.importance.toString().toLowerCase()).append(" | ")
                    .append(cell(key.documentation)).append(" |\n");
        }
        return out.toString();
    }

    private static String defaultOf(ConfigDef.ConfigKey key) {
        if (!key.hasDefault()) {
            return "(required)";
        }
        if (key.defaultValue == null) {
            return "null";
        }
        String s = ConfigDef.convertToString(key.defaultValue, key.type);
        return s.isEmpty() ? "\"\"" : "`" + s + "`";
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("*", "\\*")
                .replace("\n", " ");
    }
}
