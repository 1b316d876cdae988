package io.relaybus.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --cluster} and {@code --failover}: what they need, and how a failover shows in the report. */
class ClusterOptionsTest {

    @Test
    void clusterNeedsEmbeddedKafkaOrNatsAndFailoverNeedsCluster() {
        BenchOptions o = BenchOptions.parse("--transport", "kafka", "--embedded", "--cluster", "--failover");
        assertTrue(o.cluster);
        assertTrue(o.failover);
        BenchOptions.UsageException e = assertThrows(BenchOptions.UsageException.class,
                () -> BenchOptions.parse("--transport", "nats", "--nats-url", "nats://h:4222", "--cluster"));
        assertEquals(List.of("--cluster: needs --embedded and --transport kafka or nats (the bench starts the cluster, "
                + "so it can kill its nodes)"), e.problems);
        e = assertThrows(BenchOptions.UsageException.class,
                () -> BenchOptions.parse("--transport", "nats", "--embedded", "--failover"));
        assertEquals(List.of("--failover: needs --cluster (a single broker has no leader to fail over to)"),
                e.problems);
    }

    @Test
    void failoverIsDescribedFromTheSamples() {
        // 1,000/s before the kill at 3 s, nothing handled for 2 s, then 1,000/s again; back in sync at 20 s.
        List<RunResult.Sample> timeline = new java.util.ArrayList<>();
        long handled = 0;
        for (long ms = 0; ms <= 8_000; ms += 100) {
            if (ms <= 3_000 || ms > 5_000) {
                handled += 100;
            }
            timeline.add(new RunResult.Sample(ms, handled, handled));
        }
        String note = FailoverThread.describe(List.of(new RunResult.Mark(3_000, "kill -9 node 2"),
                new RunResult.Mark(20_000, "back in sync")), timeline, 7);
        assertEquals("failover: kill -9 node 2 at 3.0 s; handled events stalled for at most 2.1 s after it; handled "
                + "throughput back above half the pre-kill rate (1,000/s) 2.3 s after the kill; node back in sync "
                + "17.0 s after the kill; 7 duplicates", note);
    }

    @Test
    void theThroughputChartMarksTheKill() {
        RunResult r = ReportWritersTest.run("bus", 500.0, 300);
        RunResult marked = new RunResult(r.kind(), r.description(), r.settings(), r.mode(), r.targetRate(), r.events(),
                r.size(), r.warmup(), r.openMillis(), r.subscribeReadyMillis(), r.firstEventMillis(),
                r.idleEventMillis(), r.acked(), r.publishFailed(), r.unique(), r.duplicates(), r.foreign(),
                r.publishElapsedNanos(), r.endToEndElapsedNanos(), r.ackThroughput(), r.endToEndThroughput(),
                r.successRate(), r.endToEnd(), r.ack(), r.endToEndHistogram(), r.ackHistogram(), r.timeline(),
                r.cpuNanos(), r.eventsPerCpuSecond(), r.brokerCpuNanos(), r.eventsPerBrokerCpuSecond(), r.notes(),
                List.of(new RunResult.Mark(100, "kill -9 node 2")), r.memory(), r.rounds());
        BenchReport report = new BenchReport("t", "java -jar bus-bench.jar", "2026-01-01T00:00Z", Map.of(), "kafka",
                "embedded", List.of(marked), Map.of());
        String html = HtmlReport.render(report, Json.write(report));
        assertTrue(html.contains("stroke-dasharray=\"4 3\""), "a dashed line at the kill");
        assertTrue(html.contains(">kill -9 node 2</text>"), html);
        assertTrue(Json.write(report).contains("\"label\": \"kill -9 node 2\""));
    }
}
