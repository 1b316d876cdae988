package io.relaybus.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Renders a {@link BenchReport} as one self-contained HTML page: the comparison table, throughput over time,
 * latency histograms and percentiles as inline SVG (see {@link Svg}), the effective settings of each side, and the
 * raw JSON. Nothing is loaded from the network.
 */
final class HtmlReport {

    private static final String BUS_COLOR = "#1f77b4";
    private static final String BUS_LIGHT = "#9ecae1";
    private static final String RAW_COLOR = "#ff7f0e";
    private static final String RAW_LIGHT = "#fdd0a2";

    private HtmlReport() {
    }

    static String render(BenchReport report, String json) {
        StringBuilder sb = new StringBuilder(64 * 1024);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
                .append(Svg.escape(report.title())).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:24px;max-width:960px;color:#222}")
                .append("table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #ccc;padding:3px 8px;")
                .append("font-size:13px}td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f3f3f3}")
                .append("h2{margin-top:28px;border-bottom:1px solid #ddd}.note{color:#a40}pre{font-size:11px;")
                .append("background:#f7f7f7;padding:8px;overflow:auto;max-height:300px}svg{display:block;margin:8px 0}")
                .append("\n</style></head><body>\n");
        sb.append("<h1>").append(Svg.escape(report.title())).append("</h1>\n");
        sb.append("<p><code>").append(Svg.escape(report.commandLine())).append("</code><br>")
                .append(Svg.escape(report.startedAt())).append(" &middot; broker: ")
                .append(Svg.escape(report.broker())).append("</p>\n");

        sb.append("<h2>Results</h2>\n").append(comparisonTable(report));
        sb.append("<p>Throughput counts only what the broker acknowledged (publishes) or a subscriber handled "
                + "(end to end), each over the time from the first measured publish to the last acknowledgement or "
                + "delivery. Ratios are " + report.ratioLabel().replace("/", " &divide; ") + ": below 1 for throughput, or "
                + "above 1 for latency, means the " + BenchReport.subjectKind(report.runs()) + " is slower. Latency is measured from the time written into each event");
        sb.append(report.runs().isEmpty() || !report.runs().get(0).mode().equals("rate") ? " (closed loop: the actual "
                + "send time)." : " (fixed rate: the INTENDED send time, so a publisher that falls behind counts as "
                + "latency).");
        sb.append(report.hasRounds() ? " Each run is the median of its rounds; the rounds columns give the lowest "
                + "and highest value of each metric over them." : "");
        sb.append(" Heap allocation and GC are those of the benchmark JVM during the measured phase.</p>\n");
        for (RunResult r : report.runs()) {
            for (String note : r.notes()) {
                sb.append("<p class=\"note\">").append(r.kind()).append(": ").append(Svg.escape(note)).append("</p>\n");
            }
        }

        sb.append("<h2>Throughput over time</h2>\n").append(throughputChart(report));
        sb.append("<h2>End-to-end latency</h2>\n");
        sb.append(histogram("End-to-end latency distribution (% of events per bucket)", report, true));
        sb.append(percentiles(report));
        sb.append("<h2>Publish-to-acknowledgement latency</h2>\n");
        sb.append(histogram("Publish-to-ack latency distribution (% of events per bucket)", report, false));

        sb.append("<h2>Settings</h2>\n");
        for (RunResult r : report.runs()) {
            sb.append("<h3>").append(r.kind()).append(": ").append(Svg.escape(r.description())).append("</h3>\n");
            sb.append(mapTable(r.settings()));
        }
        sb.append("<h3>Environment</h3>\n").append(mapTable(report.environment()));
        sb.append("<h2>Raw result (JSON)</h2>\n<pre>").append(Svg.escape(json)).append("</pre>\n");
        sb.append("</body></html>\n");
        return sb.toString();
    }

    private static String comparisonTable(BenchReport report) {
        StringBuilder sb = new StringBuilder("<table><tr><th>metric</th><th>unit</th>");
        boolean withRounds = report.hasRounds();
        report.runs().forEach(r -> {
            sb.append("<th>").append(r.kind()).append("</th>");
            if (withRounds) {
                sb.append("<th>").append(r.kind()).append(" rounds min&ndash;max</th>");
            }
        });
        boolean ratios = !report.ratios().isEmpty();
        if (ratios) {
            sb.append("<th>").append(report.ratioLabel()).append("</th>");
        }
        sb.append("</tr>\n");
        for (BenchReport.Metric m : BenchReport.METRICS) {
            sb.append("<tr><td>").append(Svg.escape(m.label())).append("</td><td>").append(m.unit()).append("</td>");
            for (RunResult r : report.runs()) {
                sb.append("<td class=\"n\">").append(Stats.fmt(m.value().apply(r), m.decimals())).append("</td>");
                if (withRounds) {
                    sb.append("<td class=\"n\">").append(BenchReport.spread(r, m, "&ndash;")).append("</td>");
                }
            }
            if (ratios) {
                Double v = report.ratios().get(m.key());
                sb.append("<td class=\"n\">").append(v == null ? "" : String.format(Locale.ROOT, "%.2f&times;", v))
                        .append("</td>");
            }
            sb.append("</tr>\n");
        }
        return sb.append("</table>\n").toString();
    }

    /** One chart per run: the runs can differ in length by orders of magnitude, so each gets its own scale. */
    private static String throughputChart(BenchReport report) {
        StringBuilder sb = new StringBuilder();
        for (RunResult r : report.runs()) {
            boolean bus = !r.kind().equals("raw");
            List<Svg.Series> series = new ArrayList<>();
            series.add(rateSeries(r, r.kind() + " handled", bus ? BUS_COLOR : RAW_COLOR, true));
            series.add(rateSeries(r, r.kind() + " acked", bus ? BUS_LIGHT : RAW_LIGHT, false));
            List<Svg.Mark> marks = new ArrayList<>();
            r.marks().forEach(m -> marks.add(new Svg.Mark(m.millis() / 1000.0, m.label())));
            sb.append(Svg.lineChart(r.kind() + ": " + r.description() + ", events per second (100 ms samples)",
                    "seconds since the first measured publish", "events/s", series, marks));
        }
        return sb.toString();
    }

    /** Rate between consecutive samples. */
    static Svg.Series rateSeries(RunResult r, String name, String color, boolean handled) {
        List<RunResult.Sample> s = r.timeline();
        int n = Math.max(0, s.size() - 1);
        double[] x = new double[n + 1];
        double[] y = new double[n + 1];
        for (int i = 1; i <= n; i++) {
            RunResult.Sample a = s.get(i - 1);
            RunResult.Sample b = s.get(i);
            long dt = b.millis() - a.millis();
            long d = handled ? b.handled() - a.handled() : b.acked() - a.acked();
            x[i] = b.millis() / 1000.0;
            y[i] = dt <= 0 ? y[i - 1] : d * 1000.0 / dt;
        }
        return new Svg.Series(name, color, x, y);
    }

    private static String histogram(String title, BenchReport report, boolean endToEnd) {
        Set<Double> bounds = new LinkedHashSet<>();
        List<Double> lows = new ArrayList<>();
        for (RunResult r : report.runs()) {
            for (RunResult.Bucket b : endToEnd ? r.endToEndHistogram() : r.ackHistogram()) {
                bounds.add(b.toMicros());
            }
        }
        List<Double> sorted = new ArrayList<>(bounds);
        sorted.sort(Double::compare);
        if (sorted.isEmpty()) {
            return "<p>No latencies recorded.</p>\n";
        }
        List<String> labels = new ArrayList<>();
        for (double to : sorted) {
            lows.add(to);
            labels.add("≤" + micros(to));
        }
        List<Svg.Series> series = new ArrayList<>();
        for (RunResult r : report.runs()) {
            List<RunResult.Bucket> buckets = endToEnd ? r.endToEndHistogram() : r.ackHistogram();
            long total = buckets.stream().mapToLong(RunResult.Bucket::count).sum();
            double[] y = new double[lows.size()];
            for (RunResult.Bucket b : buckets) {
                int i = lows.indexOf(b.toMicros());
                y[i] = total == 0 ? 0 : b.count() * 100.0 / total;
            }
            series.add(new Svg.Series(r.kind(), !r.kind().equals("raw") ? BUS_COLOR : RAW_COLOR, new double[0], y));
        }
        return Svg.barChart(title, "latency bucket (upper bound)", "% of events", labels, series, false);
    }

    private static String percentiles(BenchReport report) {
        List<String> labels = List.of("p50", "p90", "p99", "p99.9", "max");
        List<Svg.Series> series = new ArrayList<>();
        for (RunResult r : report.runs()) {
            RunResult.Latency l = r.endToEnd();
            series.add(new Svg.Series(r.kind() + " (ms)", !r.kind().equals("raw") ? BUS_COLOR : RAW_COLOR, new double[0],
                    new double[] {l.p50() / 1e3, l.p90() / 1e3, l.p99() / 1e3, l.p999() / 1e3, l.max() / 1e3}));
        }
        return Svg.barChart("End-to-end latency percentiles (ms, log scale)", "percentile", "milliseconds", labels,
                series, true);
    }

    private static String micros(double us) {
        if (us >= 1_000_000) {
            return Svg.compact(us / 1_000_000) + "s";
        }
        if (us >= 1000) {
            return Svg.compact(us / 1000) + "ms";
        }
        return Svg.compact(us) + "µs";
    }

    private static String mapTable(Map<String, String> m) {
        StringBuilder sb = new StringBuilder("<table>\n");
        m.forEach((k, v) -> sb.append("<tr><td>").append(Svg.escape(k)).append("</td><td>").append(Svg.escape(v))
                .append("</td></tr>\n"));
        return sb.append("</table>\n").toString();
    }
}
