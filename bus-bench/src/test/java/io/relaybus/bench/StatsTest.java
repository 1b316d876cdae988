package io.relaybus.bench;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class StatsTest {

    @Test
    void zeroElapsedTimeGivesNoRateInsteadOfInfinity() {
        assertNull(Stats.perSecond(100, 0));
        assertNull(Stats.perSecond(100, -5));
        assertEquals("n/a", Stats.fmt(Stats.perSecond(1, 0), 0));
        assertEquals(2_000.0, Stats.perSecond(1_000, 500_000_000L));
        assertEquals(0.0, Stats.perSecond(0, 1_000));
    }

    @Test
    void ratiosAreBusOverRawAndUndefinedWithoutADenominator() {
        assertEquals(0.5, Stats.ratio(50.0, 100.0));
        assertNull(Stats.ratio(50.0, 0.0));
        assertNull(Stats.ratio(null, 1.0));
        assertNull(Stats.ratio(1.0, null));
    }

    @Test
    void percentilesAreReportedInMicroseconds() {
        Histogram h = new Histogram(3);
        for (int i = 1; i <= 1000; i++) {
            h.recordValue(i * 1_000L);   // 1 .. 1000 µs in nanoseconds
        }
        RunResult.Latency l = Stats.latency(h);
        assertEquals(1000, l.count());
        assertEquals(500, l.p50(), 1);
        assertEquals(900, l.p90(), 1);
        assertEquals(990, l.p99(), 1);
        assertEquals(999, l.p999(), 1);
        assertEquals(1000, l.max(), 1);
        assertEquals(new RunResult.Latency(0, 0, 0, 0, 0, 0, 0), Stats.latency(new Histogram(3)));
    }

    @Test
    void bucketsFollowTheOneTwoFiveScaleAndHoldEveryEvent() {
        Histogram h = new Histogram(3);
        h.recordValue(1_500);      // 1.5 µs  -> (1, 2]
        h.recordValue(3_000);      // 3 µs    -> (2, 5]
        h.recordValue(3_500);
        h.recordValue(40_000);     // 40 µs   -> (20, 50]
        List<RunResult.Bucket> b = Stats.buckets(h);
        assertEquals(List.of(1.0, 2.0, 5.0, 10.0, 20.0), b.stream().map(RunResult.Bucket::fromMicros).toList());
        assertEquals(List.of(1L, 2L, 0L, 0L, 1L), b.stream().map(RunResult.Bucket::count).toList());
    }
}
