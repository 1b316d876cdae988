package io.relaybus.spi.config;

import io.relaybus.spi.TransportProvider;
import io.relaybus.spi.TransportRegistry;
import io.relaybus.spi.internal.CoreConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Generates the configuration reference from the definitions, so the documentation is never hand-copied.
 *
 * <p>A document marks each generated table with {@code <!-- generated:NAME -->} ... {@code <!-- /generated:NAME -->},
 * where NAME is {@code bus} (the core keys) or a transport's name. Usage:
 * {@code java -cp <class path with the transports> io.relaybus.spi.config.ConfigDocs [--check|--write] README.md}.
 */
public final class ConfigDocs {

    private static final Pattern SECTION = Pattern.compile(
            "(<!-- generated:([a-z0-9-]+) -->\\n)(.*?)(<!-- /generated:\\2 -->)", Pattern.DOTALL);

    private ConfigDocs() {
    }

    /** The tables this class path can generate: {@code bus} and one per transport found. */
    public static Map<String, String> tables(ClassLoader loader) {
        Map<String, String> tables = new LinkedHashMap<>();
        tables.put("bus", CoreConfig.DEFINITION.toMarkdownTable());
        for (TransportProvider p : TransportRegistry.load(loader).providers().values()) {
            tables.put(p.name(), p.configDef().toMarkdownTable());
        }
        return tables;
    }

    /**
     * Replaces every marked section whose name has a table; sections without one (a transport not on this class
     * path) are left as they are.
     */
    public static String render(String document, Map<String, String> tables) {
        Matcher m = SECTION.matcher(document);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String table = tables.get(m.group(2));
            String body = table == null ? m.group(3) : table;
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + body + m.group(4)));
        }
        m.appendTail(out);
        return out.toString();
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2 || !(args[0].equals("--check") || args[0].equals("--write"))) {
            System.err.println("usage: ConfigDocs --check|--write DOCUMENT.md");
            System.exit(2);
        }
        Path doc = Path.of(args[1]);
        String current = Files.readString(doc, StandardCharsets.UTF_8);
        String rendered = render(current, tables(ConfigDocs.class.getClassLoader()));
        if (args[0].equals("--write")) {
            Files.writeString(doc, rendered, StandardCharsets.UTF_8);
        } else if (!rendered.equals(current)) {
            System.err.println(doc + " has configuration tables that differ from the definitions; run with --write");
            System.exit(1);
        }
    }
}
