package io.relaybus.spi.support;

import java.util.ArrayList;
import java.util.List;

/**
 * A Markdown table for generated documentation: a header and rows of cells. Every cell is escaped the same way, so
 * no text can break the table: {@code |} and line breaks always, and outside code spans ({@code `...`}) also
 * {@code <}, {@code >} (which would be read as HTML) and {@code *} (emphasis). {@link GeneratedSections} puts tables
 * into documents. Not thread safe; build, then render with {@link #toString()}.
 */
public final class MarkdownTable {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public MarkdownTable(String... header) {
        this.header = List.of(header);
    }

    /** Adds a row; it must have as many cells as the header. Null cells are empty. */
    public MarkdownTable row(String... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("a row of " + cells.length + " cells in a table of " + header.size()
                    + " columns: " + List.of(cells));
        }
        List<String> row = new ArrayList<>(cells.length);
        for (String c : cells) {
            row.add(c == null ? "" : c);
        }
        rows.add(row);
        return this;
    }

    /** {@code text} as a code span; empty text stays empty. */
    public static String code(String text) {
        return text == null || text.isEmpty() ? "" : "`" + text + "`";
    }

    /** The table, one line per row, each line ending in a newline. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        line(sb, header);
        sb.append('|').append("---|".repeat(header.size())).append('\n');
        rows.forEach(r -> line(sb, r));
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells) {
        sb.append('|');
        for (String c : cells) {
            String escaped = escape(c);
            sb.append(escaped.isEmpty() ? " " : " " + escaped + " ").append('|');
        }
        sb.append('\n');
    }

    static String escape(String cell) {
        StringBuilder sb = new StringBuilder(cell.length());
        boolean inCode = false;
        for (int i = 0; i < cell.length(); i++) {
            char c = cell.charAt(i);
            switch (c) {
                case '`' -> {
                    inCode = !inCode;
                    sb.append(c);
                }
                case '|' -> sb.append("\\|");
                case '\n', '\r' -> sb.append(' ');
                case '<' -> sb.append(inCode ? "<" : "&lt;");
                case '>' -> sb.append(inCode ? ">" : "&gt;");
                case '*' -> sb.append(inCode ? "*" : "\\*");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
