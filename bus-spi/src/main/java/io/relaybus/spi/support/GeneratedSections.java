package io.relaybus.spi.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The generated parts of a Markdown document (configuration references, the profile and meter tables), so that no
 * table is ever copied by hand. One marker syntax everywhere:
 *
 * <pre>
 * &lt;!-- generated:NAME --&gt;
 * ... replaced by the section named NAME ...
 * &lt;!-- /generated:NAME --&gt;
 * </pre>
 *
 * <p>Each module that documents generated tables has one test, {@code ReadmeTablesTest}, which calls
 * {@link #check(Path, Map)}; run it with {@code -Drelaybus.docs.write=true} to rewrite the document instead:
 * {@code ./mvnw -B -pl <module> -am verify -Dtest=ReadmeTablesTest -Drelaybus.docs.write=true
 * -Dsurefire.failIfNoSpecifiedTests=false}. Stateless.
 */
public final class GeneratedSections {

    /** The system property that makes {@link #check} rewrite the document. */
    public static final String WRITE_PROPERTY = "relaybus.docs.write";

    private static final Pattern SECTION = Pattern.compile(
            "(<!-- generated:([a-z0-9-]+) -->\\n)(.*?)(<!-- /generated:\\2 -->)", Pattern.DOTALL);

    private GeneratedSections() {
    }

    /**
     * Replaces each marked section whose name is in {@code sections} with that text (which should end in a newline).
     * Sections of other names are left as they are.
     *
     * @throws IllegalArgumentException when a name in {@code sections} has no marked section in the document
     */
    public static String render(String document, Map<String, String> sections) {
        Set<String> missing = new LinkedHashSet<>(sections.keySet());
        Matcher m = SECTION.matcher(document);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String text = sections.get(m.group(2));
            missing.remove(m.group(2));
            String body = text == null ? m.group(3) : text;
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + body + m.group(4)));
        }
        m.appendTail(out);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("no <!-- generated:NAME --> ... <!-- /generated:NAME --> section for "
                    + missing);
        }
        return out.toString();
    }

    /**
     * Checks that {@code document}'s marked sections hold {@code sections}; with the system property
     * {@value #WRITE_PROPERTY}{@code =true}, rewrites them instead.
     *
     * @throws AssertionError naming the document and how to regenerate it, when it is out of date
     */
    public static void check(Path document, Map<String, String> sections) throws IOException {
        String current = Files.readString(document, StandardCharsets.UTF_8);
        String rendered = render(current, sections);
        if (Boolean.getBoolean(WRITE_PROPERTY)) {
            Files.writeString(document, rendered, StandardCharsets.UTF_8);
        } else if (!rendered.equals(current)) {
            throw new AssertionError(document + ": the generated sections " + sections.keySet() + " are out of "
                    + "date; run ReadmeTablesTest with -D" + WRITE_PROPERTY + "=true to rewrite them");
        }
    }
}
