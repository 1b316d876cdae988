package io.relaybus.bench;

import java.util.List;
import java.util.Locale;

/**
 * Inline SVG charts for the HTML report: no scripts, no external resources, so the report renders offline and in
 * any browser. Stateless.
 */
final class Svg {

    /** One line or one set of bars. */
    record Series(String name, String color, double[] x, double[] y) {
    }

    private static final int W = 900;
    private static final int H = 320;
    private static final int LEFT = 80;
    private static final int RIGHT = 20;
    private static final int TOP = 36;
    private static final int BOTTOM = 56;

    private Svg() {
    }

    /** A line chart with a linear x and y axis starting at 0. */
    /** A vertical line at {@code x} with a label (a broker killed, back in sync). */
    record Mark(double x, String label) {
    }

    static String lineChart(String title, String xLabel, String yLabel, List<Series> series) {
        return lineChart(title, xLabel, yLabel, series, List.of());
    }

    static String lineChart(String title, String xLabel, String yLabel, List<Series> series, List<Mark> marks) {
        double maxX = 0;
        double maxY = 0;
        for (Series s : series) {
            for (double v : s.x) {
                maxX = Math.max(maxX, v);
            }
            for (double v : s.y) {
                maxY = Math.max(maxY, v);
            }
        }
        for (Mark m : marks) {
            maxX = Math.max(maxX, m.x());
        }
        double stepX = niceCeil((maxX <= 0 ? 1 : maxX) / 5);
        int ticksX = (int) Math.ceil((maxX <= 0 ? 1 : maxX) / stepX - 1e-9);
        maxX = stepX * Math.max(1, ticksX);
        maxY = niceCeil(maxY <= 0 ? 1 : maxY);
        StringBuilder sb = open(title);
        double pw = W - LEFT - RIGHT;
        double ph = H - TOP - BOTTOM;
        for (int i = 0; i <= 5; i++) {
            double v = maxY * i / 5;
            double y = TOP + ph - ph * i / 5;
            sb.append(line(LEFT, y, W - RIGHT, y, "#ddd"));
            sb.append(text(LEFT - 6, y + 4, "end", compact(v)));
        }
        for (int i = 0; i <= Math.max(1, ticksX); i++) {
            double v = stepX * i;
            double x = LEFT + pw * v / maxX;
            sb.append(text(x, H - BOTTOM + 18, "middle", compact(v)));
        }
        sb.append(axes(xLabel, yLabel));
        for (Series s : series) {
            StringBuilder pts = new StringBuilder();
            for (int i = 0; i < s.x.length; i++) {
                double x = LEFT + pw * s.x[i] / maxX;
                double y = TOP + ph - ph * Math.min(s.y[i], maxY) / maxY;
                pts.append(f(x)).append(',').append(f(y)).append(' ');
            }
            sb.append("<polyline fill=\"none\" stroke-width=\"1.8\" stroke=\"").append(s.color).append("\" points=\"")
                    .append(pts.toString().trim()).append("\"/>\n");
        }
        for (int i = 0; i < marks.size(); i++) {
            Mark m = marks.get(i);
            double x = LEFT + pw * Math.min(m.x(), maxX) / maxX;
            sb.append("<line x1=\"").append(f(x)).append("\" y1=\"").append(f(TOP)).append("\" x2=\"").append(f(x))
                    .append("\" y2=\"").append(f(TOP + ph)).append("\" stroke=\"#c00\" stroke-dasharray=\"4 3\"/>\n");
            sb.append(text(x + 4, TOP + 12 + 12 * i, "start", m.label()));
        }
        legend(sb, series);
        return sb.append("</svg>\n").toString();
    }

    /**
     * Grouped bars: one group per category, one bar per series (its {@code y} indexed like the categories).
     * With {@code logY} the axis is logarithmic (for latencies that span orders of magnitude).
     */
    static String barChart(String title, String xLabel, String yLabel, List<String> categories, List<Series> series,
                           boolean logY) {
        double maxY = 0;
        double minPositive = Double.MAX_VALUE;
        for (Series s : series) {
            for (double v : s.y) {
                maxY = Math.max(maxY, v);
                if (v > 0) {
                    minPositive = Math.min(minPositive, v);
                }
            }
        }
        StringBuilder sb = open(title);
        double pw = W - LEFT - RIGHT;
        double ph = H - TOP - BOTTOM;
        double lo;
        double hi;
        if (logY) {
            lo = Math.floor(Math.log10(minPositive == Double.MAX_VALUE ? 1 : minPositive)) - 1;
            hi = Math.ceil(Math.log10(maxY <= 0 ? 10 : maxY));
            if (hi <= lo) {
                hi = lo + 1;
            }
            for (double e = lo; e <= hi; e++) {
                double y = TOP + ph - ph * (e - lo) / (hi - lo);
                sb.append(line(LEFT, y, W - RIGHT, y, "#ddd"));
                sb.append(text(LEFT - 6, y + 4, "end", compact(Math.pow(10, e))));
            }
        } else {
            lo = 0;
            hi = niceCeil(maxY <= 0 ? 1 : maxY);
            for (int i = 0; i <= 5; i++) {
                double y = TOP + ph - ph * i / 5;
                sb.append(line(LEFT, y, W - RIGHT, y, "#ddd"));
                sb.append(text(LEFT - 6, y + 4, "end", compact(hi * i / 5)));
            }
        }
        sb.append(axes(xLabel, yLabel));
        int n = Math.max(1, categories.size());
        double group = pw / n;
        double bar = Math.max(1, group * 0.8 / Math.max(1, series.size()));
        boolean thin = categories.size() > 14;
        for (int c = 0; c < categories.size(); c++) {
            double gx = LEFT + group * c + group * 0.1;
            if (!thin || c % 2 == 0) {
                sb.append(text(LEFT + group * c + group / 2, H - BOTTOM + 16, "middle", categories.get(c)));
            }
            for (int s = 0; s < series.size(); s++) {
                double v = c < series.get(s).y.length ? series.get(s).y[c] : 0;
                if (v <= 0) {
                    continue;
                }
                double frac = logY ? (Math.log10(v) - lo) / (hi - lo) : v / hi;
                frac = Math.max(0.005, Math.min(1, frac));
                double h = ph * frac;
                sb.append(String.format(Locale.ROOT,
                        "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"%s\"><title>%s %s: %s</title></rect>\n",
                        f(gx + bar * s), f(TOP + ph - h), f(bar * 0.95), f(h), series.get(s).color,
                        escape(series.get(s).name), escape(categories.get(c)), compact(v)));
            }
        }
        legend(sb, series);
        return sb.append("</svg>\n").toString();
    }

    private static StringBuilder open(String title) {
        StringBuilder sb = new StringBuilder();
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(W).append(' ').append(H)
                .append("\" width=\"").append(W).append("\" height=\"").append(H)
                .append("\" font-family=\"sans-serif\" font-size=\"12\">\n");
        sb.append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
        sb.append(text(W / 2.0, 20, "middle", title).replace("<text ", "<text font-weight=\"bold\" font-size=\"14\" "));
        return sb;
    }

    private static String axes(String xLabel, String yLabel) {
        return line(LEFT, TOP, LEFT, H - BOTTOM, "#333") + line(LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM, "#333")
                + text(LEFT + (W - LEFT - RIGHT) / 2.0, H - 12, "middle", xLabel)
                + String.format(Locale.ROOT, "<text x=\"16\" y=\"%s\" text-anchor=\"middle\" transform=\"rotate(-90 16 %s)\">%s</text>\n",
                f(TOP + (H - TOP - BOTTOM) / 2.0), f(TOP + (H - TOP - BOTTOM) / 2.0), escape(yLabel));
    }

    private static void legend(StringBuilder sb, List<Series> series) {
        double x = LEFT + 10;
        for (Series s : series) {
            sb.append(String.format(Locale.ROOT, "<rect x=\"%s\" y=\"%s\" width=\"12\" height=\"12\" fill=\"%s\"/>\n",
                    f(x), f(TOP - 2.0), s.color));
            sb.append(text(x + 16, TOP + 8, "start", s.name));
            x += 24 + 7 * s.name.length();
        }
    }

    private static String line(double x1, double y1, double x2, double y2, String color) {
        return String.format(Locale.ROOT, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\"/>\n",
                f(x1), f(y1), f(x2), f(y2), color);
    }

    private static String text(double x, double y, String anchor, String s) {
        return String.format(Locale.ROOT, "<text x=\"%s\" y=\"%s\" text-anchor=\"%s\">%s</text>\n", f(x), f(y),
                anchor, escape(s));
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** 1.2k, 3.4M, 0.05 ... for axis labels. */
    static String compact(double v) {
        double a = Math.abs(v);
        if (a >= 1e9) {
            return trim(v / 1e9) + "G";
        }
        if (a >= 1e6) {
            return trim(v / 1e6) + "M";
        }
        if (a >= 1e3) {
            return trim(v / 1e3) + "k";
        }
        return trim(v);
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, Math.abs(v) >= 10 || v == Math.rint(v) ? "%.0f" : "%.2f", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    private static double niceCeil(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }
}
