package io.relaybus.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JSON report read back, and {@code --compare}: this run over an earlier one, per metric. */
class CompareTest {

    @Test
    void theJsonReportReadsBackAsTheSameReport() throws Exception {
        BenchReport report = ReportWritersTest.report(500.0);
        RunResult bus = BenchMain.median(List.of(report.runs().get(0), ReportWritersTest.run("bus", 300.0, 200),
                ReportWritersTest.run("bus", 900.0, 400)));
        BenchReport withRounds = new BenchReport(report.title(), report.commandLine(), report.startedAt(),
                report.environment(), report.transport(), report.broker(), List.of(bus, report.runs().get(1)),
                report.ratios());
        assertEquals(withRounds, Json.readReport(Json.write(withRounds)));
    }

    @Test
    void aReportOfAnEarlierBenchWithoutAllocationAndRoundsStillCompares() throws Exception {
        ObjectNode json = (ObjectNode) new ObjectMapper().readTree(Json.write(ReportWritersTest.report(400.0)));
        json.put("someFieldOfALaterVersion", 1);
        for (var run : json.withArray("runs")) {
            ((ObjectNode) run).remove(List.of("memory", "rounds"));
        }
        BenchReport old = Json.readReport(json.toString());
        assertEquals(400.0, old.runs().get(0).endToEndThroughput());
        assertNull(old.runs().get(0).memory());
        String out = ReportWritersTest.report(500.0).compareWith(old, "old.json");
        String alloc = out.lines().filter(l -> l.startsWith("heap allocated per event")).findFirst().orElseThrow();
        assertTrue(alloc.matches("heap allocated per event \\(this JVM\\)\\s+bytes\\s+n/a\\s+2,048\\s+n/a.*"), alloc);
        assertTrue(out.lines().anyMatch(l -> l.matches("end-to-end \\(handled\\)\\s+events/s\\s+400\\s+500\\s+1\\.25x.*")),
                out);
    }

    @Test
    void compareDividesThisRunByTheEarlierOnePerMetric(@TempDir Path dir) throws Exception {
        Path earlier = dir.resolve("earlier.json");
        Files.writeString(earlier, Json.write(ReportWritersTest.report(400.0)), StandardCharsets.UTF_8);
        String out = ReportWritersTest.report(500.0).compareWith(Json.readReport(earlier), earlier.toString());
        assertTrue(out.startsWith("compared with " + earlier + " (2026-01-01T00:00Z: java -jar bus-bench.jar)\n"),
                out);
        List<String> lines = out.lines().toList();
        assertTrue(lines.get(1).matches("metric\\s+unit\\s+bus earlier\\s+bus now\\s+bus now/earlier\\s+raw earlier"
                + "\\s+raw now\\s+raw now/earlier"), lines.get(1));
        String ack = lines.stream().filter(l -> l.startsWith("acknowledged publishes")).findFirst().orElseThrow();
        assertTrue(ack.matches("acknowledged publishes\\s+events/s\\s+400\\s+500\\s+1\\.25x\\s+1,000\\s+1,000\\s+1\\.00x"),
                ack);
        String alloc = lines.stream().filter(l -> l.startsWith("heap allocated per event")).findFirst().orElseThrow();
        assertTrue(alloc.matches(".*2,048\\s+2,048\\s+1\\.00x.*"), alloc);
    }

    @Test
    void compareSaysWhenTheRunsWereMeasuredDifferently() {
        BenchReport now = ReportWritersTest.report(500.0);
        BenchReport other = new BenchReport("t", "c", "s", Map.of(), "nats", "b", List.of(), Map.of());
        String out = now.compareWith(other, "nats.json");
        assertTrue(out.contains("NOTE: the earlier report measured nats, this one kafka"), out);
        assertTrue(out.contains("nothing to compare"), out);
    }

    @Test
    void compareRunsAfterTheRunFromTheCommandLine(@TempDir Path dir) throws Exception {
        Path earlier = dir.resolve("memory-earlier.json");
        java.io.ByteArrayOutputStream first = new java.io.ByteArrayOutputStream();
        String[] args = {"--events", "2000", "--warmup", "100", "--warmup-max", "0", "--no-progress", "--out", dir.toString()};
        assertEquals(0, BenchMain.run(args, new java.io.PrintStream(first, true, StandardCharsets.UTF_8), System.err));
        try (var files = Files.list(dir)) {
            Files.move(files.filter(f -> f.toString().endsWith(".json")).findFirst().orElseThrow(), earlier);
        }
        java.io.ByteArrayOutputStream second = new java.io.ByteArrayOutputStream();
        String[] again = {"--events", "2000", "--warmup", "100", "--warmup-max", "0", "--no-progress", "--out", dir.toString(),
            "--compare", earlier.toString()};
        assertEquals(0, BenchMain.run(again, new java.io.PrintStream(second, true, StandardCharsets.UTF_8),
                System.err));
        String out = second.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("compared with " + earlier), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("end-to-end \\(handled\\)\\s+events/s(\\s+[\\d,]+){2}\\s+"
                + "[\\d.]+x(\\s+[\\d,]+){2}\\s+[\\d.]+x")), out);
    }

    @Test
    void timesBelowTheTimersResolutionGetNoRatio() {
        BenchReport.Metric connect = BenchReport.METRICS.stream().filter(m -> m.key().equals("open")).findFirst()
                .orElseThrow();
        assertNull(connect.ratio(0.004, 0.003), "a memory baseline's 0.0 ms");
        assertEquals(2.0, connect.ratio(0.04, 0.02), 1e-9);
        BenchReport.Metric bytes = BenchReport.METRICS.stream().filter(m -> m.key().equals("allocatedPerEvent"))
                .findFirst().orElseThrow();
        assertEquals(0.5, bytes.ratio(0.002, 0.004), 1e-9);
    }
}
