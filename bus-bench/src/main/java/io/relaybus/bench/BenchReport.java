package io.relaybus.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Everything one invocation measured: the environment, the options and one {@link RunResult} per target (the bus,
 * then the raw client), plus the bus/raw ratios. Written as JSON, HTML and a console table.
 *
 * <p>Ratios are subject ÷ raw for every metric, the subject being the run that is not the raw baseline ("bus", or
 * "bridge" for the Connect bridge): for throughput below 1 means the subject is slower, for latency above 1 means the
 * subject is slower.
 */
record BenchReport(String title, String commandLine, String startedAt, Map<String, String> environment,
                   String transport, String broker, List<RunResult> runs, Map<String, Double> ratios) {

    /** One row of the comparison: a label, a unit and how to read the value off a run. */
    record Metric(String key, String label, String unit, int decimals, Function<RunResult, Double> value) {

        /**
         * {@code a / b}, or null when either is missing, or when {@code b} is a time below the timer's meaningful
         * resolution (the memory baseline connects and subscribes in no time): a ratio over it would be noise, e.g.
         * "55399x".
         */
        Double ratio(Double a, Double b) {
            return b != null && unit.equals("ms") && b < 0.01 ? null : Stats.ratio(a, b);
        }
    }

    static final List<Metric> METRICS = List.of(
            new Metric("ackThroughput", "acknowledged publishes", "events/s", 0, RunResult::ackThroughput),
            new Metric("endToEndThroughput", "end-to-end (handled)", "events/s", 0, RunResult::endToEndThroughput),
            new Metric("open", "connect (open bus / producer)", "ms", 1, r -> r.openMillis()),
            new Metric("subscribeReady", "subscribe until ready", "ms", 1, r -> r.subscribeReadyMillis()),
            new Metric("firstEvent", "first-event latency", "ms", 3, RunResult::firstEventMillis),
            new Metric("idleEvent", "lone-event latency (warm, idle)", "ms", 3, RunResult::idleEventMillis),
            new Metric("e2eP50", "end-to-end latency p50", "ms", 3, r -> ms(r, r.endToEnd().p50())),
            new Metric("e2eP90", "end-to-end latency p90", "ms", 3, r -> ms(r, r.endToEnd().p90())),
            new Metric("e2eP99", "end-to-end latency p99", "ms", 3, r -> ms(r, r.endToEnd().p99())),
            new Metric("e2eP999", "end-to-end latency p99.9", "ms", 3, r -> ms(r, r.endToEnd().p999())),
            new Metric("e2eMax", "end-to-end latency max", "ms", 3, r -> ms(r, r.endToEnd().max())),
            new Metric("ackP50", "publish-to-ack latency p50", "ms", 3, r -> ackMs(r, r.ack().p50())),
            new Metric("ackP99", "publish-to-ack latency p99", "ms", 3, r -> ackMs(r, r.ack().p99())),
            new Metric("successRate", "success (unique handled/published)", "%", 3, r -> r.successRate() * 100),
            new Metric("duplicates", "duplicates", "events", 0, r -> (double) r.duplicates()),
            new Metric("publishFailed", "failed publishes", "events", 0, r -> (double) r.publishFailed()),
            new Metric("cpuSeconds", "CPU time of this JVM (+ Connect worker)", "s", 2, r -> r.cpuNanos() <= 0 ? null : r.cpuNanos() / 1e9),
            new Metric("eventsPerCpuSecond", "events per CPU-second", "events/s", 0, RunResult::eventsPerCpuSecond),
            new Metric("brokerCpuSeconds", "broker CPU time (embedded brokers)", "s", 2,
                    r -> r.brokerCpuNanos() < 0 ? null : r.brokerCpuNanos() / 1e9),
            new Metric("eventsPerBrokerCpuSecond", "events per broker CPU-second", "events/s", 0,
                    RunResult::eventsPerBrokerCpuSecond),
            new Metric("allocatedPerEvent", "heap allocated per event (this JVM)", "bytes", 0,
                    r -> r.memory() == null ? null : r.memory().allocatedBytesPerEvent()),
            new Metric("gcCount", "GC collections (this JVM)", "", 0,
                    r -> r.memory() == null ? null : (double) r.memory().gcCount()),
            new Metric("gcTime", "GC time (this JVM)", "ms", 0,
                    r -> r.memory() == null ? null : (double) r.memory().gcMillis()),
            new Metric("jitCpu", "JIT compiler time (this JVM)", "ms", 0,
                    r -> r.memory() == null || r.memory().jitMillis() < 0 ? null : (double) r.memory().jitMillis()));

    private static Double ms(RunResult r, double micros) {
        return r.endToEnd().count() == 0 ? null : micros / 1e3;
    }

    private static Double ackMs(RunResult r, double micros) {
        return r.ack().count() == 0 ? null : micros / 1e3;
    }

    /** Subject ÷ raw for each metric that both runs have; empty without a raw run. */
    static Map<String, Double> ratios(List<RunResult> runs) {
        Map<String, Double> out = new LinkedHashMap<>();
        RunResult bus = find(runs, subjectKind(runs));
        RunResult raw = find(runs, "raw");
        if (bus == null || raw == null) {
            return out;
        }
        for (Metric m : METRICS) {
            if (m.key.equals("duplicates") || m.key.equals("publishFailed") || m.key.equals("cpuSeconds")
                    || m.key.equals("brokerCpuSeconds") || m.key.equals("gcCount") || m.key.equals("gcTime")
                    || m.key.equals("jitCpu")) {
                continue;
            }
            Double r = m.ratio(m.value.apply(bus), m.value.apply(raw));
            if (r != null) {
                out.put(m.key, r);
            }
        }
        return out;
    }

    /** The kind of the run measured against the raw baseline: the first that is not "raw" ("bus" when none). */
    static String subjectKind(List<RunResult> runs) {
        return runs.stream().map(RunResult::kind).filter(k -> !k.equals("raw")).findFirst().orElse("bus");
    }

    /** The column header of the ratios, e.g. "bus/raw". */
    String ratioLabel() {
        return subjectKind(runs) + "/raw";
    }

    static RunResult find(List<RunResult> runs, String kind) {
        return runs.stream().filter(r -> r.kind().equals(kind)).findFirst().orElse(null);
    }

    /**
     * The lowest and highest value of {@code m} over the rounds of which {@code r} is the median, e.g.
     * {@code "45,473..93,349"} with {@code ".."}; empty for a single round or when no round had a value.
     */
    static String spread(RunResult r, Metric m, String dash) {
        List<Double> values = r.rounds() == null ? null : r.rounds().get(m.key);
        if (values == null || values.size() < 2) {
            return "";
        }
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (Double v : values) {
            if (v != null) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        return min > max ? "" : Stats.fmt(min, m.decimals) + dash + Stats.fmt(max, m.decimals);
    }

    /** Whether any run is the median of several rounds, so the table gets a spread column per run. */
    boolean hasRounds() {
        return runs.stream().anyMatch(r -> r.rounds() != null && !r.rounds().isEmpty());
    }

    /**
     * The console table: one row per metric, one column per run (followed by the range of its rounds, with several
     * rounds), then subject/raw.
     */
    String consoleTable() {
        List<String[]> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("metric", "unit"));
        boolean withRounds = hasRounds();
        runs.forEach(r -> {
            header.add(r.kind());
            if (withRounds) {
                header.add(r.kind() + " rounds min..max");
            }
        });
        boolean withRatio = !ratios.isEmpty();
        if (withRatio) {
            header.add(ratioLabel());
        }
        rows.add(header.toArray(String[]::new));
        for (Metric m : METRICS) {
            List<String> row = new ArrayList<>(List.of(m.label, m.unit));
            runs.forEach(r -> {
                row.add(Stats.fmt(m.value.apply(r), m.decimals));
                if (withRounds) {
                    row.add(spread(r, m, ".."));
                }
            });
            if (withRatio) {
                Double ratio = ratios.get(m.key);
                row.add(ratio == null ? "" : String.format(Locale.ROOT, "%.2fx", ratio));
            }
            rows.add(row.toArray(String[]::new));
        }
        return table(rows);
    }

    /**
     * This report's figures over an earlier report's, per run kind both have and per metric: {@code this/earlier}
     * (for throughput above 1 means this run is faster, for latency, bytes and CPU time above 1 means it costs more).
     * A header names the earlier run; a line notes when the two were not measured alike (transport, mode, size).
     */
    String compareWith(BenchReport earlier, String earlierName) {
        StringBuilder sb = new StringBuilder();
        sb.append("compared with ").append(earlierName).append(" (").append(earlier.startedAt()).append(": ")
                .append(earlier.commandLine()).append(")\n");
        RunResult first = runs.isEmpty() ? null : runs.get(0);
        RunResult earlierFirst = earlier.runs() == null || earlier.runs().isEmpty() ? null : earlier.runs().get(0);
        if (!java.util.Objects.equals(transport, earlier.transport())) {
            sb.append("NOTE: the earlier report measured ").append(earlier.transport()).append(", this one ")
                    .append(transport).append("\n");
        }
        if (first != null && earlierFirst != null && (!java.util.Objects.equals(first.mode(), earlierFirst.mode())
                || first.size() != earlierFirst.size() || first.targetRate() != earlierFirst.targetRate())) {
            sb.append(String.format(Locale.ROOT, "NOTE: measured differently: earlier %s, %d bytes%s; now %s, %d "
                            + "bytes%s%n", earlierFirst.mode(), earlierFirst.size(), rate(earlierFirst), first.mode(),
                    first.size(), rate(first)));
        }
        List<String[]> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("metric", "unit"));
        List<RunResult[]> pairs = new ArrayList<>();
        for (RunResult now : runs) {
            RunResult then = earlier.runs() == null ? null : find(earlier.runs(), now.kind());
            if (then != null) {
                pairs.add(new RunResult[] {now, then});
                header.addAll(List.of(now.kind() + " earlier", now.kind() + " now", now.kind() + " now/earlier"));
            }
        }
        if (pairs.isEmpty()) {
            return sb.append("NOTE: the earlier report has none of this run's kinds (").append(runs.stream()
                    .map(RunResult::kind).toList()).append("): nothing to compare\n").toString();
        }
        rows.add(header.toArray(String[]::new));
        for (Metric m : METRICS) {
            List<String> row = new ArrayList<>(List.of(m.label, m.unit));
            for (RunResult[] p : pairs) {
                Double now = m.value.apply(p[0]);
                Double then = m.value.apply(p[1]);
                Double ratio = m.ratio(now, then);
                row.addAll(List.of(Stats.fmt(then, m.decimals), Stats.fmt(now, m.decimals),
                        ratio == null ? "" : String.format(Locale.ROOT, "%.2fx", ratio)));
            }
            rows.add(row.toArray(String[]::new));
        }
        return sb.append(table(rows)).toString();
    }

    private static String rate(RunResult r) {
        return r.mode() != null && r.mode().equals("rate") ? String.format(Locale.ROOT, " at %,.0f/s",
                r.targetRate()) : "";
    }

    private static String table(List<String[]> rows) {
        int[] width = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            for (int i = 0; i < row.length; i++) {
                String cell = i < 2 ? padRight(row[i], width[i]) : padLeft(row[i], width[i]);
                sb.append(i == 0 ? "" : "  ").append(cell);
            }
            sb.append('\n');
            if (r == 0) {
                int total = 0;
                for (int w : width) {
                    total += w + 2;
                }
                sb.append("-".repeat(total - 2)).append('\n');
            }
        }
        return sb.toString();
    }

    private static String padRight(String s, int w) {
        return s + " ".repeat(w - s.length());
    }

    private static String padLeft(String s, int w) {
        return " ".repeat(w - s.length()) + s;
    }
}
