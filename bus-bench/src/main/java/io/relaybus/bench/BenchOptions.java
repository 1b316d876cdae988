package io.relaybus.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The command line of {@link BenchMain}, parsed by picocli ({@link Cli}, which also generates {@code --help}) and
 * checked across flags. Immutable.
 *
 * <p>Every invalid flag is reported at once ({@link UsageException} lists them all), in the form
 * {@code --flag value: reason}, the reason saying what is allowed. Kafka-only flags ({@code --acks},
 * {@code --compression}, ...) left unset mean "what the
 * chosen profile says", so a run with only {@code --profile} measures the profile as users get it.
 */
final class BenchOptions {

    enum Transport { MEMORY, KAFKA, NATS, BRIDGE }

    /** Which way the bridge mirrors, for {@code --transport bridge}. */
    enum Direction {
        NATS_TO_KAFKA("nats-to-kafka"), KAFKA_TO_NATS("kafka-to-nats");

        final String flag;

        Direction(String flag) {
            this.flag = flag;
        }
    }

    enum Mode { CLOSED, RATE }

    static final int MIN_SIZE = Payload.HEADER_BYTES;

    /** The most events one measured run may publish: the recorder's sequence numbers are ints. */
    static final long MAX_EVENTS = Integer.MAX_VALUE - 1;

    /** Rounds run per target, measured and warm-up ones: the topics and streams a run needs, one set per round. */
    int totalRounds() {
        return rounds + warmupRounds;
    }

    /** Default of {@code --warmup-max}. */
    static final Duration DEFAULT_WARMUP_MAX = Duration.ofSeconds(30);

    final Transport transport;
    /** Measured events per run; with {@link #duration}, 0 (the run publishes until the time is up). */
    final long events;
    /** How long each measured run publishes, after the warm-up; null to publish {@link #events} events. */
    final Duration duration;
    final int size;
    final Mode mode;
    final double rate;
    final String profile;
    final String acks;
    final String compression;
    final Integer lingerMs;
    final Integer batchBytes;
    final int partitions;
    final int window;
    final int concurrency;
    /** Events per batch handler call for the bus, and the raw client's consume batch; 0 = one event at a time. */
    final int batch;
    final int keys;
    final String bootstrap;
    final String natsUrl;
    final boolean embedded;
    /** With {@link #embedded}: 3-node clusters (KRaft, JetStream) instead of one broker. */
    final boolean cluster;
    /** With {@link #cluster}: each measured run kills a leader (-9) a third of the way through and restarts it. */
    final boolean failover;
    final boolean raw;
    final boolean rawFirst;
    final int rounds;
    /** Unmeasured rounds of each target before the measured ones (warming the broker as well as this JVM). */
    final int warmupRounds;
    final Path out;
    /** An earlier JSON report to compare this run with; null for none. */
    final Path compare;
    final long warmup;
    /**
     * After the {@link #warmup} events, how long each run may go on warming up until the JIT compiler settles
     * ({@link Runner}); zero: not at all.
     */
    final Duration warmupMax;
    final long drainTimeoutSeconds;
    final boolean progress;
    final boolean help;
    final Map<String, String> busProperties;
    /** The bridge's directions, in the order they run ({@code --direction both}: NATS to Kafka first). */
    final List<Direction> directions;
    final String connectUrl;
    final Map<String, String> connectorProperties;

    private BenchOptions(Cli c, CommandLine.ParseResult given) {
        this.transport = c.transport != null ? c.transport : Transport.MEMORY;
        long defaultEvents = transport == Transport.MEMORY ? 200_000 : 100_000;
        this.duration = c.duration;
        this.events = duration != null ? 0 : c.events != null ? c.events : defaultEvents;
        this.size = c.size != null ? c.size : 1024;
        this.mode = c.mode != null ? c.mode : (c.rate != null ? Mode.RATE : Mode.CLOSED);
        this.rate = c.rate != null ? c.rate : 0;
        this.profile = c.profile;
        this.acks = c.acks;
        this.compression = c.compression;
        this.lingerMs = c.lingerMs;
        this.batchBytes = c.batchBytes;
        this.partitions = c.partitions != null ? c.partitions : 6;
        this.window = c.window != null ? c.window : 1000;
        this.concurrency = c.concurrency != null ? c.concurrency : 1;
        this.batch = c.batch != null ? c.batch : 0;
        this.keys = c.keys != null ? c.keys : 0;
        this.bootstrap = c.bootstrap;
        this.natsUrl = c.natsUrl;
        this.embedded = c.embedded;
        this.cluster = c.cluster;
        this.failover = c.failover;
        this.raw = !c.noRaw;
        this.rawFirst = c.rawFirst;
        this.rounds = c.rounds != null ? c.rounds : (transport == Transport.MEMORY ? 1 : 3);
        this.warmupRounds = c.warmupRounds != null ? c.warmupRounds : (transport == Transport.MEMORY ? 0 : 1);
        this.out = Path.of(c.out != null ? c.out : "bench-results");
        this.compare = c.compare;
        this.warmup = c.warmup != null ? c.warmup
                : Math.min((duration != null ? defaultEvents : events) / 10,
                        transport == Transport.MEMORY ? 20_000 : 5_000);
        this.warmupMax = c.warmupMax != null ? c.warmupMax : DEFAULT_WARMUP_MAX;
        this.drainTimeoutSeconds = c.drainTimeout != null ? c.drainTimeout : 30;
        this.progress = !c.noProgress;
        this.help = given.isUsageHelpRequested();
        Map<String, String> bus = new LinkedHashMap<>();
        c.busProperties.forEach(kv -> bus.put(kv.key(), kv.value()));
        this.busProperties = Collections.unmodifiableMap(bus);
        this.directions = c.directions != null ? c.directions.list() : List.of(Direction.values());
        this.connectUrl = c.connectUrl;
        Map<String, String> connector = new LinkedHashMap<>();
        c.connectorProperties.forEach(kv -> connector.put(kv.key(), kv.value()));
        this.connectorProperties = Collections.unmodifiableMap(connector);
    }

    /** Thrown for a bad command line; the message lists every problem and ends with a hint. */
    static final class UsageException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        final List<String> problems;

        UsageException(List<String> problems) {
            super(String.join("\n", problems) + "\nRun with --help for the list of flags.");
            this.problems = List.copyOf(problems);
        }
    }

    /** The flags as picocli sees them: typed, each value checked by its converter; null or false = not given. */
    @Command(name = "java -jar bus-bench.jar", sortOptions = false, usageHelpAutoWidth = false, usageHelpWidth = 110,
            headerHeading = "", synopsisHeading = "usage: ", customSynopsis = "java -jar bus-bench.jar [flags]",
            description = {"", "Measures the bus end to end against the raw client in the same run. Without flags: the "
                    + "memory transport (no broker), which measures the runtime alone.", ""},
            footer = {"", "Exit code 0 when every event was acknowledged and handled, 1 when a run was incomplete, 2 "
                    + "for a bad command line."})
    static final class Cli {
        @Option(names = "--transport", paramLabel = "memory|kafka|nats|bridge",
                converter = OptionValues.TransportConverter.class,
                description = "What to measure (default memory); bridge: the connect-bridge connectors mirroring "
                        + "between NATS JetStream and Kafka in a Connect worker.")
        Transport transport;

        @Option(names = "--events", paramLabel = "N", converter = OptionValues.PositiveLong.class,
                description = "Measured events per run (default 200000 memory, 100000 brokers; 50k and 1m work).")
        Long events;

        @Option(names = "--duration", paramLabel = "TIME", converter = OptionValues.DurationConverter.class,
                description = "Instead of --events: publish for this long after the warm-up (e.g. 10s, 500ms, 2m), "
                        + "to measure the steady state rather than the ramp-up.")
        Duration duration;

        @Option(names = "--size", paramLabel = "BYTES", converter = OptionValues.SizeConverter.class,
                description = "Event payload size (default 1024, at least " + MIN_SIZE + ").")
        Integer size;

        @Option(names = "--mode", paramLabel = "closed|rate", converter = OptionValues.ModeConverter.class,
                description = "closed: max throughput with --window publishes outstanding (default); rate: open loop "
                        + "at --rate, latency from the INTENDED send time.")
        Mode mode;

        @Option(names = "--rate", paramLabel = "N", converter = OptionValues.RateConverter.class,
                description = "Events per second for --mode rate (setting it implies --mode rate; 5000 or 5000/s).")
        Double rate;

        @Option(names = "--window", paramLabel = "N", converter = OptionValues.AtLeastOne.class,
                description = "Publishes outstanding at most (default 1000).")
        Integer window;

        @Option(names = "--concurrency", paramLabel = "N", converter = OptionValues.Concurrency.class,
                description = "Subscriber handler threads of the bus (default 1, at most 1024).")
        Integer concurrency;

        @Option(names = "--batch", paramLabel = "N", converter = OptionValues.BatchConverter.class,
                description = "The bus subscribes a batch handler (subscribeBatch, up to N events, no linger) and the "
                        + "raw client consumes in batches of up to N (Kafka max.poll.records, JetStream fetch); "
                        + "default 0: one event at a time.")
        Integer batch;

        @Option(names = "--keys", paramLabel = "N", converter = OptionValues.AtLeastZero.class,
                description = "Distinct event keys, 0 for keyless events (default 0).")
        Integer keys;

        @Option(names = "--warmup", paramLabel = "N", converter = OptionValues.AtLeastZero.class,
                description = "Events published and handled before measuring (default min(events/10, 20000 memory "
                        + "| 5000 brokers)).")
        Integer warmup;

        @Option(names = "--warmup-max", paramLabel = "TIME", converter = OptionValues.DurationOrZero.class,
                description = "After the --warmup events, go on warming up in one-second slices until the JIT "
                        + "compiler of this JVM spent under 5%% of a slice compiling, for at most this long (default "
                        + "30s; 0 turns it off). Compilation of a cold JVM otherwise runs into the first measured "
                        + "runs, and costs whichever target runs first.")
        Duration warmupMax;

        @Option(names = "--no-raw", description = "Skip the raw-client baseline.")
        boolean noRaw;

        @Option(names = "--raw-first", description = "Run the raw client before the bus in the first round "
                + "(default: bus first).")
        boolean rawFirst;

        @Option(names = "--warmup-rounds", paramLabel = "N", converter = OptionValues.AtLeastZero.class,
                description = "Unmeasured rounds of bus and raw before the measured ones, in the first round's order "
                        + "(default 1 with a broker, 0 for memory): a broker in its own JVM (Kafka, Connect) compiles "
                        + "its hot code during the first runs too, which --warmup-max cannot see, and later runs would "
                        + "otherwise be faster than earlier ones.")
        Integer warmupRounds;

        @Option(names = "--rounds", paramLabel = "N", converter = OptionValues.AtLeastOne.class,
                description = "Measure bus and raw N times each, alternating which goes first, and report the median "
                        + "run of each with the spread of the rounds (default 3 with a broker, 1 for memory).")
        Integer rounds;

        @Option(names = "--out", paramLabel = "DIR", converter = OptionValues.NonBlank.class,
                description = "Where <transport>-<mode>-<time>.json and .html go (default bench-results).")
        String out;

        @Option(names = "--compare", paramLabel = "FILE.json", converter = OptionValues.JsonFile.class,
                description = "After the run, print this run's figures over those of an earlier JSON report of the "
                        + "same transport, per metric (this/earlier).")
        Path compare;

        @Option(names = "--drain-timeout", paramLabel = "S", converter = OptionValues.AtLeastOne.class,
                description = "Give up waiting for events after S seconds without progress (default 30).")
        Integer drainTimeout;

        @Option(names = "--no-progress", description = "No progress bar on stderr.")
        boolean noProgress;

        @Option(names = "--bus-property", paramLabel = "KEY=VALUE", converter = OptionValues.BusProperty.class,
                description = "An extra bus configuration key, bus side only (repeatable), e.g. "
                        + "bus.dispatch.queue.capacity=1024 or nats.fetch.max.messages=256.")
        List<OptionValues.KeyValue> busProperties = new ArrayList<>();

        @Option(names = "--profile", paramLabel = "throughput|latency|durable",
                converter = OptionValues.ProfileConverter.class,
                description = "Kafka: the transport's kafka.profile (default durable). Kafka flags left unset mean "
                        + "the profile's value; every effective client setting is printed.")
        String profile;

        @Option(names = "--acks", paramLabel = "all|1|0", converter = OptionValues.AcksConverter.class,
                description = "Kafka: producer acks (1 or 0 also turn idempotence off, for both clients).")
        String acks;

        @Option(names = "--compression", paramLabel = "lz4|snappy|zstd|gzip|none",
                converter = OptionValues.CompressionConverter.class, description = "Kafka: producer compression.")
        String compression;

        @Option(names = "--linger-ms", paramLabel = "N", converter = OptionValues.AtLeastZero.class,
                description = "Kafka: producer linger.ms.")
        Integer lingerMs;

        @Option(names = "--batch-bytes", paramLabel = "N", converter = OptionValues.AtLeastOne.class,
                description = "Kafka: producer batch.size.")
        Integer batchBytes;

        @Option(names = "--partitions", paramLabel = "N", converter = OptionValues.AtLeastOne.class,
                description = "Kafka: partitions of the topics the bench creates (default 6).")
        Integer partitions;

        @Option(names = "--bootstrap", paramLabel = "HOST:PORT", converter = OptionValues.NonBlank.class,
                description = "Kafka: an external broker.")
        String bootstrap;

        @Option(names = "--nats-url", paramLabel = "nats://HOST:PORT", converter = OptionValues.NonBlank.class,
                description = "NATS: an external server.")
        String natsUrl;

        @Option(names = "--embedded", description = "Start a local KRaft broker (from this jar) or nats-server (from "
                + "PATH) and stop it after (bridge: both, and a Connect worker).")
        boolean embedded;

        @Option(names = "--cluster", description = "With --embedded: a 3-node KRaft cluster (each node broker and "
                + "controller) or a 3-node nats-server cluster, topics with 3 replicas (min.insync.replicas 2) and R3 "
                + "streams, for bus and raw alike.")
        boolean cluster;

        @Option(names = "--failover", description = "With --cluster: in every measured run, kill -9 the leader of the "
                + "run's partition 0 (Kafka) or stream (NATS) a third of the way through, restart it, and chart the "
                + "throughput around the kill.")
        boolean failover;

        @Option(names = "--direction", paramLabel = "nats-to-kafka|kafka-to-nats|both",
                converter = OptionValues.DirectionConverter.class,
                description = "Bridge: which way to mirror (default both, NATS "
                + "to Kafka first).")
        OptionValues.Directions directions;

        @Option(names = "--connect-url", paramLabel = "URL", converter = OptionValues.HttpUrl.class,
                description = "Bridge: an external Connect worker's REST API (plugin installed, reaching --bootstrap "
                        + "and --nats-url); default: a worker forked from this jar's connect-worker-lib directory.")
        String connectUrl;

        @Option(names = "--connector-property", paramLabel = "KEY=VALUE",
                converter = OptionValues.ConnectorProperty.class,
                description = "Bridge: an extra connector config key, both connectors and the raw mirror's "
                        + "producer.override.* / consumer.override.* (repeatable), e.g. tasks.max=2.")
        List<OptionValues.KeyValue> connectorProperties = new ArrayList<>();

        @Option(names = {"--help", "-h"}, usageHelp = true, description = "This list.")
        boolean help;
    }

    /** The flags that only apply to some transports, checked against the flags as given (in their order). */
    private static final Set<String> KAFKA_ONLY = Set.of("--profile", "--acks", "--compression", "--linger-ms",
            "--batch-bytes", "--partitions", "--bootstrap");
    private static final Set<String> BRIDGE_ONLY = Set.of("--direction", "--connect-url", "--connector-property");
    private static final Set<String> NOT_FOR_BRIDGE = Set.of("--concurrency", "--bus-property");

    static CommandLine commandLine(Cli cli) {
        CommandLine cl = new CommandLine(cli);
        cl.setOverwrittenOptionsAllowed(true);
        cl.setUnmatchedOptionsArePositionalParams(false);
        cl.getCommandSpec().parser().collectErrors(true);
        return cl;
    }

    /** The --help text, generated by picocli from the options above. */
    static String usage() {
        return commandLine(new Cli()).getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    static BenchOptions parse(String... args) {
        Cli cli = new Cli();
        CommandLine.ParseResult result = commandLine(cli).parseArgs(args);
        List<String> problems = new ArrayList<>();
        for (Exception e : result.errors()) {
            problems.addAll(problems(e));
        }
        if (cli.help) {
            return new BenchOptions(cli, result);
        }
        check(cli, result, problems);
        if (!problems.isEmpty()) {
            throw new UsageException(problems);
        }
        return new BenchOptions(cli, result);
    }

    /** What picocli found wrong, as {@code --flag value: reason}. */
    private static List<String> problems(Exception e) {
        if (e instanceof CommandLine.UnmatchedArgumentException u) {
            List<String> out = new ArrayList<>();
            for (String arg : u.getUnmatched()) {
                if (!arg.startsWith("-")) {
                    out.add(Redact.arg(arg) + ": not a flag, and no flag before it takes a value");
                    continue;
                }
                List<String> similar = u.getSuggestions();
                out.add(arg + ": unknown flag" + (similar.isEmpty() ? "" : " (did you mean "
                        + String.join(" or ", similar) + "?)"));
            }
            return out;
        }
        if (e instanceof CommandLine.MissingParameterException m && !m.getMissing().isEmpty()
                && m.getMissing().get(0) instanceof CommandLine.Model.OptionSpec opt) {
            return List.of(opt.longestName() + ": needs a value (" + opt.paramLabel() + ")");
        }
        if (e instanceof CommandLine.ParameterException p && p.getArgSpec() instanceof CommandLine.Model.OptionSpec opt
                && rootCause(p) instanceof CommandLine.TypeConversionException t) {
            // The refused value is echoed as the report's command line shows it: no URL credentials, no secret values.
            return List.of(Redact.commandLine(new String[] {opt.longestName(), p.getValue()}) + ": " + t.getMessage());
        }
        return List.of(Redact.text(e.getMessage()));
    }

    private static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }

    /** The checks across flags. */
    private static void check(Cli c, CommandLine.ParseResult given, List<String> problems) {
        Transport transport = c.transport == null ? Transport.MEMORY : c.transport;
        String name = transport.name().toLowerCase(Locale.ROOT);
        Set<String> kafkaOnly = givenOf(given, KAFKA_ONLY);
        Set<String> bridgeOnly = givenOf(given, BRIDGE_ONLY);
        Set<String> notForBridge = givenOf(given, NOT_FOR_BRIDGE);
        if (c.mode == Mode.RATE && c.rate == null) {
            problems.add("--mode rate: needs --rate N (events per second)");
        }
        if (c.mode == Mode.CLOSED && c.rate != null) {
            problems.add("--rate " + c.rate + ": contradicts --mode closed; drop one of them");
        }
        if (c.duration != null && c.events != null) {
            problems.add("--duration " + c.duration.toMillis() / 1000.0 + "s: contradicts --events " + c.events
                    + "; a run is either a number of events or a time, drop one of them");
        }
        if (transport != Transport.KAFKA && transport != Transport.BRIDGE && !kafkaOnly.isEmpty()) {
            problems.add(String.join(", ", kafkaOnly) + ": Kafka only, but the transport is " + name);
        }
        if (transport != Transport.NATS && transport != Transport.BRIDGE && c.natsUrl != null) {
            problems.add("--nats-url: only applies to --transport nats or bridge");
        }
        if (transport != Transport.BRIDGE && !bridgeOnly.isEmpty()) {
            problems.add(String.join(", ", bridgeOnly) + ": only applies to --transport bridge, but the transport is "
                    + name);
        }
        if (transport == Transport.BRIDGE && !notForBridge.isEmpty()) {
            problems.add(String.join(", ", notForBridge)
                    + ": the bus's settings, not used by --transport bridge (use --connector-property)");
        }
        if (transport == Transport.BRIDGE && c.embedded && c.connectUrl != null) {
            problems.add("--connect-url: contradicts --embedded, which starts its own Connect worker; drop one");
        }
        if (transport == Transport.BRIDGE && !c.embedded && (c.bootstrap == null || c.natsUrl == null)) {
            problems.add("--transport bridge: needs --embedded, or both --bootstrap HOST:PORT and --nats-url "
                    + "nats://HOST:PORT (and optionally --connect-url)");
        }
        if (transport == Transport.MEMORY && c.embedded) {
            problems.add("--embedded: the memory transport needs no broker");
        }
        if (c.embedded && (c.bootstrap != null || c.natsUrl != null)) {
            problems.add("--embedded: contradicts --bootstrap/--nats-url; use an external broker or an embedded one");
        }
        if (transport == Transport.KAFKA && !c.embedded && c.bootstrap == null) {
            problems.add("--transport kafka: needs --bootstrap HOST:PORT or --embedded");
        }
        if (transport == Transport.NATS && !c.embedded && c.natsUrl == null) {
            problems.add("--transport nats: needs --nats-url nats://HOST:PORT or --embedded");
        }
        if (c.cluster && (!c.embedded || (transport != Transport.KAFKA && transport != Transport.NATS))) {
            problems.add("--cluster: needs --embedded and --transport kafka or nats (the bench starts the "
                    + "cluster, so it can kill its nodes)");
        }
        if (c.failover && !c.cluster) {
            problems.add("--failover: needs --cluster (a single broker has no leader to fail over to)");
        }
    }

    /** The flags of {@code flags} that were given, in the order they were given. */
    private static Set<String> givenOf(CommandLine.ParseResult given, Set<String> flags) {
        Set<String> found = new LinkedHashSet<>();
        for (CommandLine.Model.OptionSpec o : given.matchedOptions()) {
            if (flags.contains(o.longestName())) {
                found.add(o.longestName());
            }
        }
        return found;
    }

    String transportName() {
        return transport.name().toLowerCase(Locale.ROOT);
    }
}
