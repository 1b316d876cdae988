package io.relaybus.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The command line of {@link BenchMain}, parsed and checked. Immutable.
 *
 * <p>Every invalid flag is reported at once ({@link UsageException} lists them all), in the form
 * {@code --flag value: reason}. Kafka-only flags ({@code --acks}, {@code --compression}, ...) left unset mean "what the
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

    final Transport transport;
    final long events;
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
    final Path out;
    final long warmup;
    final long drainTimeoutSeconds;
    final boolean progress;
    final boolean help;
    final Map<String, String> busProperties;
    /** The bridge's directions, in the order they run ({@code --direction both}: NATS to Kafka first). */
    final List<Direction> directions;
    final String connectUrl;
    final Map<String, String> connectorProperties;

    private BenchOptions(Builder b) {
        this.transport = b.transport;
        this.events = b.events != null ? b.events : (b.transport == Transport.MEMORY ? 200_000 : 100_000);
        this.size = b.size;
        this.mode = b.mode != null ? b.mode : (b.rate != null ? Mode.RATE : Mode.CLOSED);
        this.rate = b.rate != null ? b.rate : 0;
        this.profile = b.profile;
        this.acks = b.acks;
        this.compression = b.compression;
        this.lingerMs = b.lingerMs;
        this.batchBytes = b.batchBytes;
        this.partitions = b.partitions;
        this.window = b.window;
        this.concurrency = b.concurrency;
        this.batch = b.batch;
        this.keys = b.keys;
        this.bootstrap = b.bootstrap;
        this.natsUrl = b.natsUrl;
        this.embedded = b.embedded;
        this.cluster = b.cluster;
        this.failover = b.failover;
        this.raw = b.raw;
        this.rawFirst = b.rawFirst;
        this.rounds = b.rounds != null ? b.rounds : (b.transport == Transport.MEMORY ? 1 : 3);
        this.out = b.out;
        this.warmup = b.warmup != null ? b.warmup : Math.min(this.events / 10, b.transport == Transport.MEMORY ? 20_000 : 5_000);
        this.drainTimeoutSeconds = b.drainTimeoutSeconds;
        this.progress = b.progress;
        this.help = b.help;
        this.busProperties = Map.copyOf(b.busProperties);
        this.directions = b.directions != null ? b.directions : List.of(Direction.values());
        this.connectUrl = b.connectUrl;
        this.connectorProperties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.connectorProperties));
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

    static final String USAGE = String.join("\n",
            "usage: java -jar bus-bench.jar [flags]",
            "",
            "Without flags: the memory transport (no broker), which measures the runtime alone.",
            "",
            "  --transport memory|kafka|nats|bridge   what to measure (default memory); bridge: the connect-bridge",
            "                      connectors mirroring between NATS JetStream and Kafka in a Connect worker",
            "  --events N          measured events (default 200000 memory, 100000 brokers)",
            "  --size BYTES        event payload size (default 1024, at least " + MIN_SIZE + ")",
            "  --mode closed|rate  closed: max throughput with --window publishes outstanding (default);",
            "                      rate: open loop at --rate, latency from the INTENDED send time",
            "  --rate N            events per second for --mode rate (setting it implies --mode rate)",
            "  --window N          publishes outstanding at most (default 1000)",
            "  --concurrency N     subscriber handler threads of the bus (default 1)",
            "  --batch N           the bus subscribes a batch handler (subscribeBatch, up to N events, no linger) and",
            "                      the raw client consumes in batches of up to N (Kafka max.poll.records, JetStream",
            "                      fetch); default 0: one event at a time",
            "  --keys N            distinct event keys, 0 for keyless events (default 0)",
            "  --warmup N          events published and handled before measuring (default min(events/10, 20000|5000))",
            "  --no-raw            skip the raw-client baseline",
            "  --raw-first         run the raw client before the bus in the first round (default: bus first)",
            "  --rounds N          measure bus and raw N times each, alternating which goes first, and report the",
            "                      median run of each (default 3 with a broker, 1 for memory): whichever runs second",
            "                      finds the broker warmed up, which alone moved the ratio by 2x here",
            "  --out DIR           where <transport>-<mode>-<time>.json and .html go (default bench-results)",
            "  --drain-timeout S   give up waiting for events after S seconds without progress (default 30)",
            "  --no-progress       no progress bar on stderr",
            "  --bus-property K=V  an extra bus configuration key, bus side only (repeatable), e.g.",
            "                      bus.dispatch.queue.capacity=1024 or nats.fetch.max.messages=256",
            "",
            "  Kafka (unset = the profile's value; every effective client setting is printed):",
            "  --profile throughput|latency|durable   the transport's kafka.profile (default durable)",
            "  --acks all|1|0      (1 or 0 also turn idempotence off, for both clients)",
            "  --compression lz4|snappy|zstd|gzip|none",
            "  --linger-ms N       --batch-bytes N     --partitions N (default 6)",
            "  --bootstrap HOST:PORT   an external broker",
            "  NATS:",
            "  --nats-url nats://HOST:PORT   an external server",
            "  --embedded          start a local KRaft broker (from this jar) or nats-server (from PATH) and stop it after",
            "                      (bridge: both, and a Connect worker)",
            "  --cluster           with --embedded: a 3-node KRaft cluster (each node broker and controller) or a",
            "                      3-node nats-server cluster, topics with 3 replicas (min.insync.replicas 2) and R3",
            "                      streams, for bus and raw alike",
            "  --failover          with --cluster: in every measured run, kill -9 the leader of the run's partition 0",
            "                      (Kafka) or stream (NATS) a third of the way through, restart it, and chart the",
            "                      throughput around the kill",
            "  Bridge (--transport bridge; Kafka flags apply to the bench's own producer and reader):",
            "  --direction nats-to-kafka|kafka-to-nats|both   which way to mirror (default both, NATS to Kafka first)",
            "  --connect-url URL   an external Connect worker's REST API (plugin installed, reaching --bootstrap and",
            "                      --nats-url); default: a worker forked from this jar's connect-worker-lib directory",
            "  --connector-property K=V  an extra connector config key, both connectors and the raw mirror's",
            "                      producer.override.* / consumer.override.* (repeatable), e.g. tasks.max=2",
            "");

    static BenchOptions parse(String... args) {
        Builder b = new Builder();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            String value = null;
            int eq = flag.indexOf('=');
            if (flag.startsWith("--") && eq > 0) {
                value = flag.substring(eq + 1);
                flag = flag.substring(0, eq);
            }
            if (FLAGS_WITHOUT_VALUE.contains(flag)) {
                switch (flag) {
                    case "--embedded" -> b.embedded = true;
                    case "--cluster" -> b.cluster = true;
                    case "--failover" -> b.failover = true;
                    case "--no-raw" -> b.raw = false;
                    case "--no-progress" -> b.progress = false;
                    case "--raw-first" -> b.rawFirst = true;
                    default -> b.help = true;
                }
                continue;
            }
            if (!FLAGS_WITH_VALUE.contains(flag)) {
                problems.add(flag + ": unknown flag");
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    problems.add(flag + ": needs a value");
                    continue;
                }
                value = args[++i];
            }
            try {
                b.set(flag, value);
            } catch (IllegalArgumentException e) {
                problems.add(flag + " " + value + ": " + e.getMessage());
            }
        }
        b.check(problems);
        if (!problems.isEmpty()) {
            throw new UsageException(problems);
        }
        return new BenchOptions(b);
    }

    private static final Set<String> FLAGS_WITHOUT_VALUE = Set.of("--embedded", "--cluster", "--failover", "--no-raw", "--raw-first",
            "--no-progress", "--help", "-h");
    private static final Set<String> FLAGS_WITH_VALUE = Set.of("--transport", "--events", "--size", "--mode", "--rate",
            "--profile", "--acks", "--compression", "--linger-ms", "--batch-bytes", "--partitions", "--window",
            "--concurrency", "--batch", "--keys", "--bootstrap", "--nats-url", "--out", "--warmup", "--drain-timeout", "--rounds",
            "--bus-property", "--direction", "--connect-url", "--connector-property");

    private static final class Builder {
        Transport transport = Transport.MEMORY;
        Long events;
        int size = 1024;
        Mode mode;
        Double rate;
        String profile;
        String acks;
        String compression;
        Integer lingerMs;
        Integer batchBytes;
        int partitions = 6;
        int window = 1000;
        int concurrency = 1;
        int batch;
        int keys;
        String bootstrap;
        String natsUrl;
        boolean embedded;
        boolean cluster;
        boolean failover;
        boolean raw = true;
        boolean rawFirst;
        Integer rounds;
        Path out = Path.of("bench-results");
        Long warmup;
        long drainTimeoutSeconds = 30;
        boolean progress = true;
        boolean help;
        final Map<String, String> busProperties = new LinkedHashMap<>();
        final List<String> kafkaOnly = new ArrayList<>();
        List<Direction> directions;
        String connectUrl;
        final Map<String, String> connectorProperties = new LinkedHashMap<>();
        final List<String> bridgeOnly = new ArrayList<>();
        final List<String> notForBridge = new ArrayList<>();

        void set(String flag, String v) {
            switch (flag) {
                case "--transport" -> transport = oneOf(Transport.class, v);
                case "--events" -> events = positiveLong(v);
                case "--size" -> size = atLeast(v, MIN_SIZE);
                case "--mode" -> mode = oneOf(Mode.class, v);
                case "--rate" -> rate = positiveRate(v);
                case "--profile" -> {
                    profile = choice(v, "throughput", "latency", "durable");
                    kafkaOnly.add(flag);
                }
                case "--acks" -> {
                    acks = choice(v, "all", "-1", "1", "0");
                    acks = acks.equals("-1") ? "all" : acks;
                    kafkaOnly.add(flag);
                }
                case "--compression" -> {
                    compression = choice(v, "lz4", "snappy", "zstd", "gzip", "none");
                    kafkaOnly.add(flag);
                }
                case "--linger-ms" -> {
                    lingerMs = atLeast(v, 0);
                    kafkaOnly.add(flag);
                }
                case "--batch-bytes" -> {
                    batchBytes = atLeast(v, 1);
                    kafkaOnly.add(flag);
                }
                case "--partitions" -> {
                    partitions = atLeast(v, 1);
                    kafkaOnly.add(flag);
                }
                case "--window" -> window = atLeast(v, 1);
                case "--rounds" -> rounds = atLeast(v, 1);
                case "--concurrency" -> {
                    concurrency = between(v, 1, 1024);
                    notForBridge.add(flag);
                }
                case "--batch" -> batch = between(v, 1, 100_000);
                case "--keys" -> keys = atLeast(v, 0);
                case "--bootstrap" -> {
                    bootstrap = nonBlank(v);
                    kafkaOnly.add(flag);
                }
                case "--nats-url" -> natsUrl = nonBlank(v);
                case "--out" -> out = Path.of(nonBlank(v));
                case "--warmup" -> warmup = atLeast(v, 0) * 1L;
                case "--drain-timeout" -> drainTimeoutSeconds = atLeast(v, 1);
                case "--bus-property" -> {
                    int eq = v.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("must be KEY=VALUE, e.g. bus.dispatch.queue.capacity=1024");
                    }
                    busProperties.put(v.substring(0, eq).trim(), v.substring(eq + 1).trim());
                    notForBridge.add(flag);
                }
                case "--direction" -> {
                    directions = v.equalsIgnoreCase("both") ? List.of(Direction.values()) : List.of(direction(v));
                    bridgeOnly.add(flag);
                }
                case "--connect-url" -> {
                    connectUrl = httpUrl(v);
                    bridgeOnly.add(flag);
                }
                case "--connector-property" -> {
                    int eq = v.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("must be KEY=VALUE, e.g. tasks.max=2 or batch.linger.ms=5");
                    }
                    String key = v.substring(0, eq).trim();
                    if (BridgeSettings.FIXED.contains(key)) {
                        throw new IllegalArgumentException(key + " is set by the bench (it names what is mirrored "
                                + "where); the fixed keys are " + String.join(", ", BridgeSettings.FIXED));
                    }
                    String value = v.substring(eq + 1).trim();
                    if (BridgeSettings.RAW_MIRROR_READS.contains(key)) {
                        // The raw mirror sizes its own fetches and window from these, before the connector sees them.
                        try {
                            if (Long.parseLong(value) < 1) {
                                throw new NumberFormatException();
                            }
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException(key + " must be a whole number of at least 1");
                        }
                    }
                    connectorProperties.put(key, value);
                    bridgeOnly.add(flag);
                }
                default -> throw new IllegalStateException(flag);
            }
        }

        void check(List<String> problems) {
            if (mode == Mode.RATE && rate == null) {
                problems.add("--mode rate: needs --rate N (events per second)");
            }
            if (mode == Mode.CLOSED && rate != null) {
                problems.add("--rate " + rate + ": contradicts --mode closed; drop one of them");
            }
            if (transport != Transport.KAFKA && transport != Transport.BRIDGE && !kafkaOnly.isEmpty()) {
                problems.add(String.join(", ", kafkaOnly) + ": Kafka only, but the transport is "
                        + transport.name().toLowerCase(Locale.ROOT));
            }
            if (transport != Transport.NATS && transport != Transport.BRIDGE && natsUrl != null) {
                problems.add("--nats-url: only applies to --transport nats or bridge");
            }
            if (transport != Transport.BRIDGE && !bridgeOnly.isEmpty()) {
                problems.add(String.join(", ", new java.util.LinkedHashSet<>(bridgeOnly))
                        + ": only applies to --transport bridge, but the transport is "
                        + transport.name().toLowerCase(Locale.ROOT));
            }
            if (transport == Transport.BRIDGE && !notForBridge.isEmpty()) {
                problems.add(String.join(", ", new java.util.LinkedHashSet<>(notForBridge))
                        + ": the bus's settings, not used by --transport bridge (use --connector-property)");
            }
            if (transport == Transport.BRIDGE && embedded && connectUrl != null) {
                problems.add("--connect-url: contradicts --embedded, which starts its own Connect worker; drop one");
            }
            if (transport == Transport.BRIDGE && !embedded && (bootstrap == null || natsUrl == null)) {
                problems.add("--transport bridge: needs --embedded, or both --bootstrap HOST:PORT and --nats-url "
                        + "nats://HOST:PORT (and optionally --connect-url)");
            }
            if (transport == Transport.MEMORY && embedded) {
                problems.add("--embedded: the memory transport needs no broker");
            }
            if (embedded && (bootstrap != null || natsUrl != null)) {
                problems.add("--embedded: contradicts --bootstrap/--nats-url; use an external broker or an embedded one");
            }
            if (transport == Transport.KAFKA && !embedded && bootstrap == null) {
                problems.add("--transport kafka: needs --bootstrap HOST:PORT or --embedded");
            }
            if (transport == Transport.NATS && !embedded && natsUrl == null) {
                problems.add("--transport nats: needs --nats-url nats://HOST:PORT or --embedded");
            }
            if (cluster && (!embedded || (transport != Transport.KAFKA && transport != Transport.NATS))) {
                problems.add("--cluster: needs --embedded and --transport kafka or nats (the bench starts the "
                        + "cluster, so it can kill its nodes)");
            }
            if (failover && !cluster) {
                problems.add("--failover: needs --cluster (a single broker has no leader to fail over to)");
            }
            if (events != null && events > Integer.MAX_VALUE - 1) {
                problems.add("--events " + events + ": at most " + (Integer.MAX_VALUE - 1));
            }
        }
    }

    private static <E extends Enum<E>> E oneOf(Class<E> type, String v) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(v)) {
                return e;
            }
        }
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(e.name().toLowerCase(Locale.ROOT));
        }
        throw new IllegalArgumentException("must be one of " + String.join(", ", names));
    }

    private static Direction direction(String v) {
        for (Direction d : Direction.values()) {
            if (d.flag.equalsIgnoreCase(v)) {
                return d;
            }
        }
        throw new IllegalArgumentException("must be one of nats-to-kafka, kafka-to-nats, both");
    }

    private static String httpUrl(String v) {
        String url = nonBlank(v);
        try {
            java.net.URI uri = new java.net.URI(url);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return url;
            }
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        throw new IllegalArgumentException("must be the worker's REST URL, e.g. http://connect-1:8083");
    }

    private static String choice(String v, String... allowed) {
        String lower = v.toLowerCase(Locale.ROOT);
        for (String a : allowed) {
            if (a.equals(lower)) {
                return a;
            }
        }
        throw new IllegalArgumentException("must be one of " + String.join(", ", allowed));
    }

    private static long positiveLong(String v) {
        long n = parseLong(v);
        if (n < 1) {
            throw new IllegalArgumentException("must be at least 1");
        }
        return n;
    }

    private static int atLeast(String v, int min) {
        long n = parseLong(v);
        if (n < min || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("must be between " + min + " and " + Integer.MAX_VALUE);
        }
        return (int) n;
    }

    private static int between(String v, int min, int max) {
        long n = parseLong(v);
        if (n < min || n > max) {
            throw new IllegalArgumentException("must be between " + min + " and " + max);
        }
        return (int) n;
    }

    private static double positiveRate(String v) {
        String s = v.endsWith("/s") ? v.substring(0, v.length() - 2) : v;
        double d;
        try {
            d = Double.parseDouble(s.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number (events per second, e.g. 5000 or 5000/s)");
        }
        if (!(d > 0) || Double.isInfinite(d) || d > 10_000_000) {
            throw new IllegalArgumentException("must be more than 0 and at most 10000000 events per second");
        }
        return d;
    }

    private static long parseLong(String v) {
        try {
            String s = v.replace("_", "").replace(",", "").toLowerCase(Locale.ROOT);
            long mult = 1;
            if (s.endsWith("k")) {
                mult = 1_000;
                s = s.substring(0, s.length() - 1);
            } else if (s.endsWith("m")) {
                mult = 1_000_000;
                s = s.substring(0, s.length() - 1);
            }
            return Math.multiplyExact(Long.parseLong(s), mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("not a whole number");
        }
    }

    private static String nonBlank(String v) {
        if (v.isBlank()) {
            throw new IllegalArgumentException("must not be blank");
        }
        return v.trim();
    }

    String transportName() {
        return transport.name().toLowerCase(Locale.ROOT);
    }
}
