package io.relaybus.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportWritersTest {

    static RunResult run(String kind, Double throughput, double p50Micros) {
        return new RunResult(kind, kind + " target", Map.of("acks", "all"), "closed", 0, 1000, 1024, 100, 5.0, 10.0,
                2.5, 1.5, 1000, 0, 1000, 0, 0, 1_000_000, 2_000_000, throughput, throughput, 1.0,
                new RunResult.Latency(1000, p50Micros, p50Micros * 2, p50Micros * 3, p50Micros * 4, p50Micros * 5,
                        p50Micros), new RunResult.Latency(1000, 10, 20, 30, 40, 50, 12),
                List.of(new RunResult.Bucket(100, 200, 600), new RunResult.Bucket(200, 500, 400)),
                List.of(new RunResult.Bucket(5, 10, 1000)),
                List.of(new RunResult.Sample(0, 0, 0), new RunResult.Sample(100, 500, 400),
                        new RunResult.Sample(200, 1000, 1000)), 1_000_000_000L, 1000.0, 500_000_000L, 2000.0, List.of(), List.of(),
                new RunResult.Memory(2_048_000, 2048.0, 3, 12, 30), Map.of());
    }

    static BenchReport report(Double busThroughput) {
        List<RunResult> runs = List.of(run("bus", busThroughput, 300), run("raw", 1000.0, 100));
        return new BenchReport("title <x>", "java -jar bus-bench.jar", "2026-01-01T00:00Z", Map.of("cores", "2"),
                "kafka", "embedded", runs, BenchReport.ratios(runs));
    }

    @Test
    void ratiosAreBusOverRaw() {
        BenchReport r = report(500.0);
        assertEquals(0.5, r.ratios().get("ackThroughput"));
        assertEquals(3.0, r.ratios().get("e2eP50"), 1e-9);
        assertFalse(r.ratios().containsKey("duplicates"));
    }

    @Test
    void jsonHasTheRunsAndWritesNullNotInfinity() {
        String json = Json.write(report(null));
        assertTrue(json.contains("\"kind\": \"bus\""), json);
        assertTrue(json.contains("\"ackThroughput\": null"), json);
        assertTrue(json.contains("\"ratios\": {"), json);
        assertTrue(json.contains("\"p50\": 300"), json);
        assertTrue(json.contains("\"brokerCpuNanos\": 500000000"), json);
        assertTrue(json.contains("\"eventsPerBrokerCpuSecond\": 2000"), json);
        assertFalse(json.contains("Infinity"), json);
        assertFalse(json.contains("NaN"), json);
        assertEquals("{\n  \"x\": null\n}\n", Json.write(Map.of("x", Double.POSITIVE_INFINITY)));
        String numbers = Json.write(java.util.Arrays.asList(141800.3, Double.NaN, 12.0));
        assertEquals("[141800.3,null,12.0]", numbers.replaceAll("\\s", ""), numbers);
    }

    @Test
    void htmlIsSelfContainedWithTheChartsAndTable() {
        BenchReport report = report(500.0);
        String html = HtmlReport.render(report, Json.write(report));
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("title &lt;x&gt;"), "titles are escaped");
        assertEquals(5, count(html, "<svg "), "2 throughput charts, 2 histograms, 1 percentile chart");
        assertTrue(html.contains("<polyline"), "throughput lines");
        assertTrue(html.contains("<rect x="), "histogram bars");
        assertTrue(html.contains("<th>bus/raw</th>"));
        assertTrue(html.contains("0.50&times;"));
        assertFalse(html.contains("<script src"), "nothing loaded from the network");
        assertFalse(html.contains("http://") && html.replace("http://www.w3.org/2000/svg", "").contains("http://"));
    }

    @Test
    void consoleTableHasARowPerMetricAndTheRatioColumn() {
        String table = report(500.0).consoleTable();
        assertTrue(table.lines().findFirst().orElseThrow().matches("metric\\s+unit\\s+bus\\s+raw\\s+bus/raw"), table);
        assertEquals(BenchReport.METRICS.size() + 2, table.lines().count(), table);
        assertTrue(table.contains("0.50x"), table);
        assertTrue(report(null).consoleTable().contains("n/a"));
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
