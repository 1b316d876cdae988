package io.relaybus.bridge;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A string with {@code {placeholder}} parts, e.g. {@code nats.{1}.{2}} or {@code orders.{header:region}}. What a
 * placeholder means is up to the caller: {@link #render} asks a resolver for each one. A literal brace cannot be
 * written (neither Kafka topic names nor NATS subjects may contain one).
 *
 * <p>Immutable and thread safe; parse once at start, render per record.
 */
final class Template {

    private final String source;
    private final List<String> literals;      // literals.get(i) precedes placeholders.get(i); one extra at the end
    private final List<String> placeholders;

    private Template(String source, List<String> literals, List<String> placeholders) {
        this.source = source;
        this.literals = literals;
        this.placeholders = placeholders;
    }

    /** @throws IllegalArgumentException for unbalanced or empty braces, with the position */
    static Template parse(String template) {
        List<String> literals = new ArrayList<>();
        List<String> placeholders = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '{') {
                int end = template.indexOf('}', i + 1);
                int nested = template.indexOf('{', i + 1);
                if (end < 0 || (nested >= 0 && nested < end)) {
                    throw new IllegalArgumentException("unclosed '{' at position " + i + " in '" + template + "'");
                }
                String name = template.substring(i + 1, end).trim();
                if (name.isEmpty()) {
                    throw new IllegalArgumentException("empty placeholder '{}' at position " + i + " in '" + template + "'");
                }
                literals.add(literal.toString());
                literal.setLength(0);
                placeholders.add(name);
                i = end + 1;
            } else if (c == '}') {
                throw new IllegalArgumentException("'}' without '{' at position " + i + " in '" + template + "'");
            } else {
                literal.append(c);
                i++;
            }
        }
        literals.add(literal.toString());
        return new Template(template, List.copyOf(literals), List.copyOf(placeholders));
    }

    /** The placeholder names in order of appearance (may repeat). */
    List<String> placeholders() {
        return placeholders;
    }

    /** Fills each placeholder with {@code resolver.apply(name)}. */
    String render(Function<String, String> resolver) {
        StringBuilder out = new StringBuilder(source.length() + 16);
        for (int i = 0; i < placeholders.size(); i++) {
            out.append(literals.get(i)).append(resolver.apply(placeholders.get(i)));
        }
        return out.append(literals.get(literals.size() - 1)).toString();
    }

    @Override
    public String toString() {
        return source;
    }
}
