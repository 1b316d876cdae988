package io.relaybus.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchOptionsTest {

    @Test
    void noArgumentsMeansMemoryClosedLoopWithDefaults() {
        BenchOptions o = BenchOptions.parse();
        assertEquals(BenchOptions.Transport.MEMORY, o.transport);
        assertEquals(BenchOptions.Mode.CLOSED, o.mode);
        assertEquals(200_000, o.events);
        assertEquals(1024, o.size);
        assertEquals(1000, o.window);
        assertEquals(20_000, o.warmup);
        assertTrue(o.raw);
        assertNull(o.compression);
    }

    @Test
    void kafkaFlagsAreParsedAndRateImpliesRateMode() {
        BenchOptions o = BenchOptions.parse("--transport", "kafka", "--embedded", "--events", "50k", "--rate",
                "5000/s", "--compression", "ZSTD", "--acks=1", "--linger-ms", "5", "--batch-bytes", "204800",
                "--partitions", "3", "--profile", "latency", "--no-raw");
        assertEquals(BenchOptions.Transport.KAFKA, o.transport);
        assertEquals(50_000, o.events);
        assertEquals(BenchOptions.Mode.RATE, o.mode);
        assertEquals(5000.0, o.rate);
        assertEquals("zstd", o.compression);
        assertEquals("1", o.acks);
        assertEquals(5, o.lingerMs);
        assertEquals(204_800, o.batchBytes);
        assertEquals(3, o.partitions);
        assertEquals("latency", o.profile);
        assertFalse(o.raw);
        assertEquals(5_000, o.warmup);
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        BenchOptions.UsageException e = assertThrows(BenchOptions.UsageException.class, () -> BenchOptions.parse(
                "--events", "-3", "--size", "4", "--bogus", "--mode", "rate", "--compression", "gzip2"));
        assertEquals(5, e.problems.size(), e.getMessage());
        assertTrue(e.getMessage().contains("--events -3: must be at least 1"), e.getMessage());
        assertTrue(e.getMessage().contains("--size 4: must be between 17"), e.getMessage());
        assertTrue(e.getMessage().contains("--bogus: unknown flag"), e.getMessage());
        assertTrue(e.getMessage().contains("--mode rate: needs --rate"), e.getMessage());
        assertTrue(e.getMessage().contains("--compression gzip2: must be one of lz4, snappy, zstd, gzip, none"),
                e.getMessage());
    }

    @Test
    void kafkaOnlyFlagsAreRejectedForOtherTransportsAndBrokersNeedAnAddress() {
        BenchOptions.UsageException e = assertThrows(BenchOptions.UsageException.class,
                () -> BenchOptions.parse("--compression", "lz4"));
        assertEquals("--compression: Kafka only, but the transport is memory", e.problems.get(0));
        e = assertThrows(BenchOptions.UsageException.class, () -> BenchOptions.parse("--transport", "nats"));
        assertEquals("--transport nats: needs --nats-url nats://HOST:PORT or --embedded", e.problems.get(0));
    }

    @Test
    void helpIsAFlag() {
        assertTrue(BenchOptions.parse("--help").help);
        assertEquals(0, BenchMain.run(new String[] {"--help"}, new java.io.PrintStream(
                java.io.OutputStream.nullOutputStream()), System.err));
        assertEquals(2, BenchMain.run(new String[] {"--nope"}, System.out, new java.io.PrintStream(
                java.io.OutputStream.nullOutputStream())));
    }

    /** Every flag the usage text offers is one the parser knows (--rounds was once listed but refused). */
    @Test
    void everyFlagInTheUsageIsAccepted() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)(?:^|\\s)(--[a-z-]+)").matcher(BenchOptions.USAGE);
        java.util.Set<String> flags = new java.util.TreeSet<>();
        while (m.find()) {
            flags.add(m.group(1));
        }
        assertTrue(flags.contains("--rounds"), flags.toString());
        for (String flag : flags) {
            try {
                BenchOptions.parse(flag, "1");
            } catch (BenchOptions.UsageException e) {
                assertFalse(e.getMessage().contains(flag + ": unknown flag"), e.getMessage());
            }
        }
    }
}
