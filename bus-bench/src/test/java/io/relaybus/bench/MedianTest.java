package io.relaybus.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Which round of several is reported. */
class MedianTest {

    private static RunResult run(String mode, double throughput, double p99Micros) {
        return new RunResult("bus", "bus target", Map.of(), mode, mode.equals("rate") ? 5000 : 0, 1000, 1024, 100,
                5.0, 10.0, 2.5, 1.5, 1000, 0, 1000, 0, 0, 1_000_000, 2_000_000, throughput, throughput, 1.0,
                new RunResult.Latency(1000, 100, 200, p99Micros, p99Micros, p99Micros, 100),
                new RunResult.Latency(1000, 10, 20, 30, 40, 50, 12), List.of(), List.of(), List.of(),
                1_000_000_000L, 1000.0, -1, null, List.of(), List.of(),
                new RunResult.Memory(4_096_000, 4096.0, 2, 15, 40), Map.of());
    }

    @Test
    void closedLoopReportsTheRoundWithTheMedianThroughput() {
        RunResult m = BenchMain.median(List.of(run("closed", 90_000, 1_000), run("closed", 50_000, 9_000),
                run("closed", 120_000, 500)));
        assertEquals(90_000, m.endToEndThroughput());
        assertTrue(m.notes().get(0).contains("events/s per round: 90,000, 50,000, 120,000"), m.notes().toString());
    }

    @Test
    void fixedRateReportsTheRoundWithTheMedianP99() {
        // Every round reached the rate; only the latency tells them apart.
        RunResult m = BenchMain.median(List.of(run("rate", 5000, 14_770), run("rate", 5000, 3_800),
                run("rate", 4999, 4_700)));
        assertEquals(4_700, m.endToEnd().p99());
        assertTrue(m.notes().get(0).contains("by end-to-end p99; p99 ms per round: 14.770, 3.800, 4.700"),
                m.notes().toString());
    }

    @Test
    void withAnEvenNumberOfRoundsTheWorseMiddleRoundIsReported() {
        assertEquals(80_000, BenchMain.median(List.of(run("closed", 90_000, 1_000), run("closed", 80_000, 1_000),
                run("closed", 70_000, 1_000), run("closed", 120_000, 1_000))).endToEndThroughput());
        assertEquals(4_000, BenchMain.median(List.of(run("rate", 5000, 3_000), run("rate", 5000, 4_000),
                run("rate", 5000, 2_000), run("rate", 5000, 9_000))).endToEnd().p99());
    }
}
