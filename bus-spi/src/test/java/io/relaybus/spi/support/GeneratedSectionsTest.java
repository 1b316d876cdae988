package io.relaybus.spi.support;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("Generated documentation: one table builder, one marker syntax")
class GeneratedSectionsTest {

    @Test
    @DisplayName("marked sections are replaced; others are kept; a section without markers is an error")
    void renderReplacesMarkedSections() {
        String doc = "intro\n<!-- generated:a -->\nold a\n<!-- /generated:a -->\nmiddle\n"
                + "<!-- generated:b -->\nold b\n<!-- /generated:b -->\n";
        assertEquals("intro\n<!-- generated:a -->\nnew a\n<!-- /generated:a -->\nmiddle\n"
                + "<!-- generated:b -->\nold b\n<!-- /generated:b -->\n", GeneratedSections.render(doc,
                Map.of("a", "new a\n")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GeneratedSections.render(doc, Map.of("c", "x\n")));
        assertTrue(e.getMessage().contains("[c]"), e.getMessage());
    }

    @Test
    @DisplayName("cells cannot break a table: pipes, line breaks, HTML and emphasis are escaped outside code spans")
    void cellsAreEscaped() {
        String table = new MarkdownTable("key", "description")
                .row(MarkdownTable.code("a.b.*"), "one | two\n<name> *x* `c|<d>*`")
                .row("", null).toString();
        assertEquals("| key | description |\n|---|---|\n"
                + "| `a.b.*` | one \\| two &lt;name&gt; \\*x\\* `c\\|<d>*` |\n"
                + "| | |\n", table);
        assertThrows(IllegalArgumentException.class, () -> new MarkdownTable("a", "b").row("only one"));
    }
}
