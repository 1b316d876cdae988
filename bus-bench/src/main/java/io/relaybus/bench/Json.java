package io.relaybus.bench;

import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/**
 * A small JSON writer for the result file: maps, collections, records (by component name), strings, numbers and
 * booleans. Non-finite numbers are written as {@code null}, so no reader ever sees "Infinity".
 */
final class Json {

    private Json() {
    }

    static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0);
        return sb.append('\n').toString();
    }

    private static void write(StringBuilder sb, Object v, int indent) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            string(sb, s);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isFinite(d)) {
                // Nine significant digits, plain notation, no trailing zeros after the point (141800.3 -> 141800.3).
                sb.append(d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d)
                        : new BigDecimal(d).round(new MathContext(9)).stripTrailingZeros().toPlainString());
            } else {
                sb.append("null");
            }
        } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v);
        } else if (v instanceof Enum<?> e) {
            string(sb, e.name().toLowerCase(Locale.ROOT));
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sb.append(first ? "" : ",").append('\n').append("  ".repeat(indent + 1));
                string(sb, String.valueOf(e.getKey()));
                sb.append(": ");
                write(sb, e.getValue(), indent + 1);
                first = false;
            }
            sb.append(first ? "" : "\n" + "  ".repeat(indent)).append('}');
        } else if (v instanceof Collection<?> c) {
            boolean scalars = c.stream().allMatch(x -> x == null || x instanceof Number || x instanceof String);
            sb.append('[');
            boolean first = true;
            for (Object x : c) {
                sb.append(first ? "" : ",");
                if (!scalars) {
                    sb.append('\n').append("  ".repeat(indent + 1));
                }
                write(sb, x, indent + 1);
                first = false;
            }
            sb.append(first || scalars ? "" : "\n" + "  ".repeat(indent)).append(']');
        } else if (v.getClass().isRecord()) {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            for (RecordComponent rc : v.getClass().getRecordComponents()) {
                try {
                    rc.getAccessor().setAccessible(true);
                    m.put(rc.getName(), rc.getAccessor().invoke(v));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot read " + rc, e);
                }
            }
            write(sb, m, indent);
        } else {
            string(sb, v.toString());
        }
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
