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
    void bridgeDefaultsToBothDirectionsNatsToKafkaFirst() {
        BenchOptions o = BenchOptions.parse("--transport", "bridge", "--embedded", "--events", "20000");
        assertEquals(BenchOptions.Transport.BRIDGE, o.transport);
        assertEquals(java.util.List.of(BenchOptions.Direction.NATS_TO_KAFKA, BenchOptions.Direction.KAFKA_TO_NATS),
                o.directions);
        assertEquals(20_000, o.events);
        assertEquals(3, o.rounds);
        assertNull(o.connectUrl);
        assertTrue(o.connectorProperties.isEmpty());
    }

    @Test
    void bridgeFlagsAreParsed() {
        BenchOptions o = BenchOptions.parse("--transport", "bridge", "--bootstrap", "k:9092", "--nats-url",
                "nats://n:4222", "--connect-url", "http://connect:8083", "--direction", "KAFKA-TO-NATS",
                "--connector-property", "tasks.max=2", "--connector-property=producer.override.linger.ms = 5",
                "--partitions", "3", "--compression", "zstd");
        assertEquals(java.util.List.of(BenchOptions.Direction.KAFKA_TO_NATS), o.directions);
        assertEquals("http://connect:8083", o.connectUrl);
        assertEquals(java.util.Map.of("tasks.max", "2", "producer.override.linger.ms", "5"), o.connectorProperties);
        assertEquals(3, o.partitions);
        assertEquals("zstd", o.compression);
        assertEquals("nats://n:4222", o.natsUrl);
    }

    @Test
    void badBridgeValuesNameTheFlagTheValueAndWhatIsAllowed() {
        BenchOptions.UsageException e = assertThrows(BenchOptions.UsageException.class, () -> BenchOptions.parse(
                "--transport", "bridge", "--embedded", "--direction", "sideways", "--connect-url", "connect:8083",
                "--connector-property", "nats.subjects=orders.>", "--connector-property", "tasks.max"));
        assertEquals(java.util.List.of(
                "--direction sideways: must be one of nats-to-kafka, kafka-to-nats, both",
                "--connect-url connect:8083: must be the worker's REST URL, e.g. http://connect-1:8083",
                "--connector-property nats.subjects=orders.>: nats.subjects is set by the bench (it names what is "
                        + "mirrored where); the fixed keys are " + String.join(", ", BridgeSettings.FIXED),
                "--connector-property tasks.max: must be KEY=VALUE, e.g. tasks.max=2 or batch.linger.ms=5"),
                e.problems);
        e = assertThrows(BenchOptions.UsageException.class, () -> BenchOptions.parse("--transport", "bridge",
                "--embedded", "--connector-property", "nats.fetch.max.messages=lots"));
        assertEquals("--connector-property nats.fetch.max.messages=lots: nats.fetch.max.messages must be a whole "
                + "number of at least 1", e.problems.get(0));
        e = assertThrows(BenchOptions.UsageException.class, () -> BenchOptions.parse("--transport", "bogus"));
        assertEquals("--transport bogus: must be one of memory, kafka, nats, bridge", e.problems.get(0));
    }

    @Test
    void bridgeNeedsBothBrokersAndRejectsWhatDoesNotApply() {
        BenchOptions.UsageException e = assertThrows(BenchOptions.UsageException.class,
                () -> BenchOptions.parse("--transport", "bridge", "--bootstrap", "k:9092"));
        assertEquals(java.util.List.of("--transport bridge: needs --embedded, or both --bootstrap HOST:PORT and "
                + "--nats-url nats://HOST:PORT (and optionally --connect-url)"), e.problems);
        e = assertThrows(BenchOptions.UsageException.class, () -> BenchOptions.parse("--transport", "bridge",
                "--embedded", "--connect-url", "http://c:8083", "--bus-property", "a=b", "--concurrency", "2"));
        assertEquals(java.util.List.of("--bus-property, --concurrency: the bus's settings, not used by --transport "
                        + "bridge (use --connector-property)",
                "--connect-url: contradicts --embedded, which starts its own Connect worker; drop one"), e.problems);
        e = assertThrows(BenchOptions.UsageException.class, () -> BenchOptions.parse("--transport", "kafka",
                "--embedded", "--direction", "both", "--connector-property", "tasks.max=2"));
        assertEquals(java.util.List.of("--direction, --connector-property: only applies to --transport bridge, but "
                + "the transport is kafka"), e.problems);
    }

    @Test
    void connectorPropertiesReachTheConnectorsAndTheRawMirrorsClients() {
        BridgeSettings s = new BridgeSettings(java.util.Map.of("tasks.max", "2", "nats.fetch.max.messages", "100",
                "nats.publish.window", "64", "producer.override.linger.ms", "5",
                "consumer.override.max.poll.records", "1000"));
        java.util.Map<String, String> source = s.source("nats://n:4222", "run-1");
        assertEquals("io.relaybus.bridge.NatsSourceConnector", source.get("connector.class"));
        assertEquals("run-1", source.get("nats.subjects"));
        assertEquals("run-1", source.get("nats.stream"));
        assertEquals("{subject}", source.get("kafka.topic.template"));
        assertEquals("2", source.get("tasks.max"));
        assertEquals(new BridgeSettings.RawMirrorLimits(100, 500, 5000, 64), s.rawMirrorLimits());
        java.util.Map<String, String> sink = s.sink("nats://n:4222", "run-1");
        assertEquals("run-1", sink.get("topics"));
        assertEquals("{topic}", sink.get("nats.subject.template"));
        assertEquals("64", sink.get("nats.publish.window"));
        assertEquals("5", s.rawMirrorProducer().get("linger.ms"));
        assertEquals("1", s.rawMirrorProducer().get("max.in.flight.requests.per.connection"));
        assertEquals("1000", s.rawMirrorConsumer().get("max.poll.records"));
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
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)(?:^|\\s)(--[a-z-]+)").matcher(BenchOptions.usage());
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

    @Test
    void theJitWarmUpIsBoundedByWarmupMaxAndZeroTurnsItOff() {
        assertEquals(java.time.Duration.ofSeconds(30), BenchOptions.parse().warmupMax);
        assertEquals(java.time.Duration.ofSeconds(5), BenchOptions.parse("--warmup-max", "5s").warmupMax);
        for (String zero : new String[] {"0", "0s", "0ms"}) {
            assertTrue(BenchOptions.parse("--warmup-max", zero).warmupMax.isZero(), zero);
        }
        BenchOptions.UsageException e = assertThrows(BenchOptions.UsageException.class,
                () -> BenchOptions.parse("--warmup-max", "-3s"));
        assertTrue(e.getMessage().contains("--warmup-max -3s: "), e.getMessage());
    }

    @Test
    void brokerRunsStartWithOneUnmeasuredWarmUpRound() {
        assertEquals(0, BenchOptions.parse().warmupRounds, "memory: no broker to warm");
        assertEquals(1, BenchOptions.parse("--transport", "kafka", "--embedded").warmupRounds);
        assertEquals(1, BenchOptions.parse("--transport", "nats", "--embedded").warmupRounds);
        BenchOptions o = BenchOptions.parse("--transport", "kafka", "--embedded", "--warmup-rounds", "2",
                "--rounds", "3");
        assertEquals(5, o.totalRounds(), "topics for the measured and the warm-up rounds");
        assertEquals(0, BenchOptions.parse("--transport", "nats", "--embedded", "--warmup-rounds", "0").warmupRounds);
        BenchOptions.UsageException e = assertThrows(BenchOptions.UsageException.class,
                () -> BenchOptions.parse("--warmup-rounds", "-1"));
        assertTrue(e.getMessage().contains("--warmup-rounds -1: "), e.getMessage());
    }

    @Test
    void durationReplacesTheEventCount() {
        BenchOptions o = BenchOptions.parse("--transport", "kafka", "--embedded", "--duration", "10s");
        assertEquals(java.time.Duration.ofSeconds(10), o.duration);
        assertEquals(0, o.events);
        assertEquals(5_000, o.warmup, "the warm-up of the default event count");
        assertEquals(java.time.Duration.ofSeconds(90), BenchOptions.parse("--duration", "1m30s").duration);
        assertEquals(java.time.Duration.ofMillis(1500), BenchOptions.parse("--duration=1.5s").duration);
        assertEquals(java.time.Duration.ofMillis(500), BenchOptions.parse("--duration", "500ms").duration);
        assertEquals(java.time.Duration.ofSeconds(2), BenchOptions.parse("--duration", "PT2S").duration);
        assertNull(BenchOptions.parse().duration);
    }

    @Test
    void badDurationsNameTheFlagTheValueAndWhatIsAllowed() {
        BenchOptions.UsageException e = assertThrows(BenchOptions.UsageException.class,
                () -> BenchOptions.parse("--duration", "10", "--rounds", "0"));
        assertEquals(java.util.List.of("--duration 10: not a duration: a number with a unit, ms, s, m or h (e.g. 10s, "
                + "500ms, 2m, 1m30s)", "--rounds 0: must be between 1 and 2147483647"), e.problems);
        e = assertThrows(BenchOptions.UsageException.class, () -> BenchOptions.parse("--duration", "0s"));
        assertEquals(java.util.List.of("--duration 0s: must be more than 0 and at most 24h"), e.problems);
        e = assertThrows(BenchOptions.UsageException.class,
                () -> BenchOptions.parse("--duration", "5s", "--events", "1000"));
        assertEquals(java.util.List.of("--duration 5.0s: contradicts --events 1000; a run is either a number of "
                + "events or a time, drop one of them"), e.problems);
    }

    @Test
    void picocliErrorsNameTheFlagAndTheValue() {
        BenchOptions.UsageException e = assertThrows(BenchOptions.UsageException.class,
                () -> BenchOptions.parse("--events", "lots", "--window"));
        assertEquals(java.util.List.of("--events lots: not a whole number", "--window: needs a value (N)"),
                e.problems);
        e = assertThrows(BenchOptions.UsageException.class, () -> BenchOptions.parse("--event", "5"));
        assertTrue(e.problems.get(0).startsWith("--event: unknown flag (did you mean --events"), e.problems.toString());
        assertEquals("5: not a flag, and no flag before it takes a value", e.problems.get(1));
        e = assertThrows(BenchOptions.UsageException.class,
                () -> BenchOptions.parse("--compare", "no-such-report.json"));
        assertEquals(java.util.List.of("--compare no-such-report.json: no such file (the JSON report of an earlier "
                + "run, e.g. bench-results/kafka-closed-20261130-2100.json)"), e.problems);
        e = assertThrows(BenchOptions.UsageException.class, () -> BenchOptions.parse("--events", "3000000000"));
        assertEquals(java.util.List.of("--events 3000000000: must be at most 2147483646 (or use --duration)"),
                e.problems);
    }

    @Test
    void theHelpIsGeneratedFromTheOptions() {
        String usage = BenchOptions.usage();
        assertTrue(usage.startsWith("usage: java -jar bus-bench.jar [flags]"), usage);
        for (String flag : java.util.List.of("--duration=TIME", "--compare=FILE.json", "--transport=memory|kafka|nats|bridge",
                "--connector-property=KEY=VALUE", "-h, --help")) {
            assertTrue(usage.contains(flag), flag + " in\n" + usage);
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        assertEquals(0, BenchMain.run(new String[] {"--help"}, new java.io.PrintStream(bytes, true,
                java.nio.charset.StandardCharsets.UTF_8), System.err));
        assertEquals(usage, bytes.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A bare '%' in a description made picocli print a warning three times over the --help text. */
    @Test
    void theHelpFormatsEveryDescriptionWithoutWarnings() {
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream warnings = new java.io.ByteArrayOutputStream();
        String usage;
        try {
            System.setErr(new java.io.PrintStream(warnings, true, java.nio.charset.StandardCharsets.UTF_8));
            usage = BenchOptions.usage();
        } finally {
            System.setErr(err);
        }
        assertEquals("", warnings.toString(java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(usage.contains("spent under 5% of a slice"), usage);
        assertFalse(usage.contains("%n") || usage.contains("%%"), usage);
    }
}
