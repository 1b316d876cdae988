package io.relaybus.bench;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;

/** The arithmetic of the report, kept apart so it can be tested: rates, ratios, percentiles, histogram buckets. */
final class Stats {

    private Stats() {
    }

    /**
     * Events per second, or {@code null} when it is not defined: no elapsed time (the Go report printed "+Inf msg/s"
     * here) or a negative count.
     */
    static Double perSecond(long count, long elapsedNanos) {
        if (elapsedNanos <= 0 || count < 0) {
            return null;
        }
        return count * 1e9 / elapsedNanos;
    }

    /** {@code a / b}, or {@code null} when either is missing or {@code b} is zero. */
    static Double ratio(Double a, Double b) {
        if (a == null || b == null || b == 0 || a.isNaN() || b.isNaN()) {
            return null;
        }
        return a / b;
    }

    /** Percentiles of a histogram recorded in nanoseconds, in microseconds. */
    static RunResult.Latency latency(Histogram nanos) {
        if (nanos.getTotalCount() == 0) {
            return new RunResult.Latency(0, 0, 0, 0, 0, 0, 0);
        }
        return new RunResult.Latency(nanos.getTotalCount(), micros(nanos.getValueAtPercentile(50)),
                micros(nanos.getValueAtPercentile(90)), micros(nanos.getValueAtPercentile(99)),
                micros(nanos.getValueAtPercentile(99.9)), micros(nanos.getMaxValue()), nanos.getMean() / 1e3);
    }

    private static double micros(long nanos) {
        return nanos / 1e3;
    }

    /**
     * Counts in buckets on a 1-2-5 scale of microseconds (1, 2, 5, 10, 20, 50 ... µs), from the bucket holding the
     * smallest value to the one holding the largest. The same scale for every run, so bus and raw line up.
     */
    static List<RunResult.Bucket> buckets(Histogram nanos) {
        List<RunResult.Bucket> out = new ArrayList<>();
        if (nanos.getTotalCount() == 0) {
            return out;
        }
        List<Double> bounds = new ArrayList<>();
        bounds.add(0.0);
        double high = 1;
        int step = 0;
        double maxMicros = nanos.getMaxValue() / 1e3;
        while (true) {
            bounds.add(high);
            if (high >= maxMicros) {
                break;
            }
            step++;
            high = high * (step % 3 == 2 ? 2.5 : 2);
        }
        long[] counts = new long[bounds.size() - 1];
        for (org.HdrHistogram.HistogramIterationValue v : nanos.recordedValues()) {
            double micros = v.getValueIteratedTo() / 1e3;
            int i = 0;
            while (i < counts.length - 1 && micros > bounds.get(i + 1)) {
                i++;
            }
            counts[i] += v.getCountAtValueIteratedTo();
        }
        int firstNonEmpty = 0;
        while (counts[firstNonEmpty] == 0) {
            firstNonEmpty++;
        }
        for (int i = firstNonEmpty; i < counts.length; i++) {
            out.add(new RunResult.Bucket(bounds.get(i), bounds.get(i + 1), counts[i]));
        }
        return out;
    }

    /** "12,345" style, or "n/a" for null. */
    static String fmt(Double v, int decimals) {
        if (v == null) {
            return "n/a";
        }
        return String.format(java.util.Locale.ROOT, "%,." + decimals + "f", v);
    }
}
