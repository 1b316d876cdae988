package io.relaybus.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.relaybus.api.BusException;
import io.relaybus.embedded.EmbeddedKafka;
import io.relaybus.embedded.EmbeddedKafkaCluster;
import io.relaybus.embedded.EmbeddedNats;
import io.relaybus.embedded.EmbeddedNatsCluster;
import io.relaybus.spi.support.UrlCredentials;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's entry point: {@code java -jar bus-bench.jar [flags]} (see {@link BenchOptions#usage()}).
 *
 * <p>One invocation measures one transport: the bus over it, then (unless {@code --no-raw}) the raw client doing
 * the same workload against the same broker, each on its own fresh topic and group. It prints a table, and writes
 * {@code <out>/<transport>-<time>.json} and {@code .html}. {@code --transport bridge} measures the Connect bridge
 * against a raw-client mirror instead, one table and report per direction (see {@link BridgeRun}). Exit code 0 when
 * every event was acknowledged and handled, 1 when a run was incomplete, 2 for a bad command line.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        BenchOptions o;
        try {
            o = BenchOptions.parse(args);
        } catch (BenchOptions.UsageException e) {
            err.println(e.getMessage());
            return 2;
        }
        if (o.help) {
            out.print(BenchOptions.usage());
            return 0;
        }
        List<Path> madeHere = missingDirectories(o.out);
        String outProblem = writableDirectory(o.out);
        if (outProblem != null) {
            err.println("--out " + o.out + ": " + outProblem);
            return 2;
        }
        int code = checkedRun(o, args, out, err);
        if (code != 0) {
            removeIfEmpty(madeHere);   // a run that wrote no report leaves no directory of ours behind
        }
        return code;
    }

    private static int checkedRun(BenchOptions o, String[] args, PrintStream out, PrintStream err) {
        BenchReport earlier = null;
        if (o.compare != null) {
            try {
                earlier = Json.readReport(o.compare);
            } catch (IOException e) {
                String why = e instanceof JsonProcessingException j ? j.getOriginalMessage()
                        : e.toString();
                err.println("--compare " + o.compare + ": cannot read it as a bus-bench JSON report ("
                        + why.lines().findFirst().orElse("") + "); give the .json file of an earlier run");
                return 2;
            }
        }
        try {
            return new BenchMain().execute(o, earlier, Redact.commandLine(args), out, err);
        } catch (BenchFailure | BusException e) {
            // Says what to check on its own (the bus's messages hide credentials already).
            err.println();
            err.println("bus-bench failed: " + Redact.text(e.getMessage()));
            return 1;
        } catch (Exception e) {
            err.println();
            err.println("bus-bench failed: " + Redact.text(e.toString()));
            UrlCredentials.hidden(e).printStackTrace(err);
            return 1;
        }
    }

    /** {@code dir} and those of its parents that do not exist yet, deepest first. */
    static List<Path> missingDirectories(Path dir) {
        List<Path> missing = new ArrayList<>();
        for (Path p = dir.toAbsolutePath().normalize(); p != null && !Files.exists(p); p = p.getParent()) {
            missing.add(p);
        }
        return missing;
    }

    /** Deletes {@code dirs} (deepest first) while they are empty directories; stops at the first that is not. */
    static void removeIfEmpty(List<Path> dirs) {
        for (Path d : dirs) {
            try {
                Files.deleteIfExists(d);
            } catch (IOException | SecurityException e) {
                return;   // not empty (something else wrote there) or not ours to delete: leave it and its parents
            }
        }
    }

    /** Why the reports cannot be written to {@code dir}, or null when they can: checked before a run, not after. */
    static String writableDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return "cannot create this directory for the reports (" + e + "); choose another with --out";
        }
        if (!Files.isWritable(dir)) {
            return "cannot write the reports into this directory; choose another with --out";
        }
        return null;
    }

    private int execute(BenchOptions o, BenchReport earlier, String argLine, PrintStream out, PrintStream err)
            throws Exception {
        double loadAtStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        String started = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        String runId = Long.toString(System.currentTimeMillis(), 36) + Integer.toString(
                ThreadLocalRandom.current().nextInt(1296), 36);
        // Seeds the JVM's SecureRandom (Event ids are random UUIDs) once, so that one-time cost of the JVM is not
        // charged to the bus's first event.
        java.util.UUID.randomUUID();
        Progress progress = new Progress(err, o.progress);
        Runner runner = new Runner(o, progress);
        List<RunResult> runs = new ArrayList<>();
        out.printf(Locale.ROOT, "bus-bench: %s, %s of %,d bytes, %s%s, window %d, warm-up %,d events%s%n",
                o.transportName(), o.duration == null ? String.format(Locale.ROOT, "%,d events", o.events)
                        : "events for " + Stats.fmt(o.duration.toMillis() / 1000.0, 1) + " s", o.size,
                o.mode.name().toLowerCase(Locale.ROOT),
                o.mode == BenchOptions.Mode.RATE ? String.format(Locale.ROOT, " at %,.0f/s", o.rate) : "",
                o.window, o.warmup, o.warmupMax.isZero() ? "" : " then until the JIT settles (at most "
                        + Stats.fmt(o.warmupMax.toMillis() / 1000.0, 1) + " s)");
        if (loadAtStart > Runtime.getRuntime().availableProcessors()) {
            out.printf(Locale.ROOT, "note: the 1-minute load average is %.1f on %d cores (it includes any run just "
                    + "before this one); other processes may compete with this run%n",
                    loadAtStart, Runtime.getRuntime().availableProcessors());
        }

        List<Section> sections = new ArrayList<>();
        switch (o.transport) {
            case MEMORY -> sections.add(new Section(o.transportName(), runMemory(o, runner, runs, runId), runs));
            case KAFKA -> sections.add(new Section(o.transportName(), runKafka(o, runner, runs, runId, progress),
                    runs));
            case NATS -> sections.add(new Section(o.transportName(), runNats(o, runner, runs, runId, progress), runs));
            case BRIDGE -> sections.addAll(BridgeRun.run(o, runner, runId, progress, out));
        }

        Map<String, String> env = environment();
        env.put("load average (1 min) at start / end", String.format(Locale.ROOT, "%.2f / %.2f", loadAtStart,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        boolean complete = true;
        for (Section section : sections) {
            BenchReport report = new BenchReport("Relaybus benchmark: " + section.name() + ", "
                    + o.mode.name().toLowerCase(Locale.ROOT) + (o.mode == BenchOptions.Mode.RATE
                    ? String.format(Locale.ROOT, " %,.0f/s", o.rate) : " loop"),
                    "java -jar bus-bench.jar " + argLine, started, env, section.name(), section.broker(),
                    section.runs(), BenchReport.ratios(section.runs()));
            out.println();
            if (sections.size() > 1) {
                out.println("== " + section.name());
            }
            out.print(report.consoleTable());
            printNotes(out, o, section.runs());
            writeFiles(o, section.name(), report, out);
            if (earlier != null && (sections.size() == 1 || section.name().equals(earlier.transport()))) {
                out.println();
                out.print(report.compareWith(earlier, o.compare.toString()));
            }
            complete &= section.runs().stream().allMatch(r -> r.unique() == r.events() && r.publishFailed() == 0);
        }
        return complete ? 0 : 1;
    }

    /**
     * One report: what was measured (the transport, or the bridge's direction), against which brokers, and the runs,
     * the subject's first.
     */
    record Section(String name, String broker, List<RunResult> runs) {
    }

    private static String runMemory(BenchOptions o, Runner runner, List<RunResult> runs, String runId)
            throws Exception {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("bus.transport", "memory");
        config.put("bus.client.id", "bench-" + runId);
        config.put("memory.broker", "bench-" + runId);
        // The transport's own retention: publishing waits for the subscriber rather than drop what it has not taken.
        config.putAll(o.busProperties);
        runBoth(o, runner, runs, round -> new BusTarget(config, "bench-bus-" + runId + "-" + round, "bench",
                o.concurrency, Map.of()).batch(o.batch), "bus memory", round -> new QueueTarget(o.window), "raw queue");
        return "none (in-JVM memory transport)";
    }

    private static String runKafka(BenchOptions o, Runner runner, List<RunResult> runs, String runId,
                                   Progress progress) throws Exception {
        EmbeddedKafka kafka = null;
        EmbeddedKafkaCluster cluster = null;
        String bootstrap = o.bootstrap;
        String broker = "external Kafka at " + bootstrap;
        if (!o.embedded) {
            ExternalBrokers.checkKafka(bootstrap);   // before the try: nothing to clean up when it is not there
        }
        try {
            if (o.cluster) {
                cluster = ClusterRun.startKafka(runner, progress);
                bootstrap = cluster.bootstrapServers();
                broker = "embedded Kafka " + org.apache.kafka.common.utils.AppInfoParser.getVersion() + " KRaft, 3 "
                        + "nodes (each broker and controller, -Xmx" + ClusterRun.KAFKA_NODE_HEAP + "), same host ("
                        + bootstrap + ")" + (o.failover ? "; each run kills -9 the leader of its partition 0" : "");
                if (o.failover) {
                    runner.failover(ClusterRun.kafka(cluster));
                }
            } else if (o.embedded) {
                progress.message("starting an embedded KRaft broker ...");
                kafka = EmbeddedKafka.builder().heap("1g").start();
                bootstrap = kafka.bootstrapServers();
                runner.brokers(kafka);
                progress.done();
                broker = "embedded Kafka " + org.apache.kafka.common.utils.AppInfoParser.getVersion()
                        + " KRaft, 1 node, same host (" + bootstrap + ")";
            }
            KafkaSettings settings = new KafkaSettings(o);
            String busTopic = "bench-bus-" + runId;
            String rawTopic = "bench-raw-" + runId;
            List<String> topics = new ArrayList<>();
            for (int round = 0; round < o.totalRounds(); round++) {
                topics.add(busTopic + "-" + round);
                topics.add(rawTopic + "-" + round);
            }
            createTopics(bootstrap, o.partitions, o.cluster ? 3 : -1, topics.toArray(String[]::new));
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("bus.transport", "kafka");
            config.put("bus.client.id", "bench-" + runId);
            config.put("kafka.bootstrap.servers", bootstrap);
            config.putAll(settings.busConfig(o.partitions));
            config.putAll(o.busProperties);
            Map<String, String> extra = new LinkedHashMap<>();
            extra.put("topic.partitions", o.partitions + " (created by the bench)");
            if (o.cluster) {
                extra.put("topic.replication.factor", "3, min.insync.replicas 2 (created by the bench)");
            }
            // What kafka.profile plus the flags amount to, as the bench mirrors it for the raw client.
            settings.effectiveProducer().forEach((k, v) -> extra.put("via kafka.profile: producer." + k, v));
            settings.effectiveFetch().forEach((k, v) -> extra.put("via kafka.profile: consumer." + k, v));
            String bs = bootstrap;
            runBoth(o, runner, runs, round -> new BusTarget(config, busTopic + "-" + round, "bench-bus-" + runId
                    + "-" + round, o.concurrency, extra).batch(o.batch), "bus kafka", round -> new RawKafkaTarget(bs,
                    rawTopic + "-" + round, "bench-raw-" + runId + "-" + round, o.partitions, settings)
                    .batch(o.batch), "raw kafka");
            return broker;
        } finally {
            if (cluster != null) {
                progress.message("stopping the embedded cluster ...");
                cluster.close();
                progress.done();
            } else if (kafka != null) {
                progress.message("stopping the embedded broker ...");
                kafka.close();
                progress.done();
            } else {
                BrokerCleanup.kafkaTopics(bootstrap, runId, System.err);
            }
        }
    }

    private static String runNats(BenchOptions o, Runner runner, List<RunResult> runs, String runId,
                                  Progress progress) throws Exception {
        EmbeddedNats nats = null;
        EmbeddedNatsCluster cluster = null;
        String url = o.natsUrl;
        String broker = "external NATS at " + UrlCredentials.hide(url);
        if (!o.embedded) {
            ExternalBrokers.checkNats(url);   // before the try: nothing to clean up when it is not there
        }
        try {
            if (o.cluster) {
                cluster = ClusterRun.startNats(runner, progress);
                url = cluster.urls();
                broker = "embedded nats-server cluster (3 nodes, JetStream, file storage, R3 streams), same host ("
                        + url + ")" + (o.failover ? "; each run kills -9 the leader of its stream" : "");
                if (o.failover) {
                    runner.failover(ClusterRun.nats(cluster));
                }
            } else if (o.embedded) {
                progress.message("starting nats-server ...");
                nats = EmbeddedNats.start();
                url = nats.url();
                runner.brokers(nats);
                progress.done();
                broker = "embedded nats-server (JetStream, file storage), same host (" + url + ")";
            }
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("bus.transport", "nats");
            config.put("bus.client.id", "bench-" + runId);
            config.put("nats.servers", url);
            config.put("nats.publish.window", o.window);
            if (o.cluster) {
                config.put("nats.stream.replicas", 3);
                // Above a stream leader election (5-8 s measured here), as the README recommends on a cluster.
                config.put("nats.publish.timeout.ms", 20_000);
            }
            config.putAll(o.busProperties);
            String name = "bench-raw-" + runId;
            String u = url;
            runBoth(o, runner, runs, round -> new BusTarget(config, "bench-bus-" + runId + "-" + round, "bench",
                    o.concurrency, Map.of()).batch(o.batch), "bus nats", round -> new RawNatsTarget(u, name + "-"
                    + round, name + "-" + round, "bench").batch(o.batch).replicas(o.cluster ? 3 : 1), "raw nats");
            return broker;
        } finally {
            if (cluster != null) {
                cluster.close();
            } else if (nats != null) {
                nats.close();
            } else {
                BrokerCleanup.natsStreams(url, runId, System.err);
            }
        }
    }

    /**
     * Runs the subject (the bus, or the bridge) then the raw client (or the other way round with --raw-first);
     * results are kept subject first.
     */
    static void runBoth(BenchOptions o, Runner runner, List<RunResult> runs,
                                java.util.function.IntFunction<Target> bus, String busLabel,
                                java.util.function.IntFunction<Target> raw, String rawLabel) throws Exception {
        List<RunResult> busRuns = new java.util.ArrayList<>();
        List<RunResult> rawRuns = new java.util.ArrayList<>();
        // Warm-up rounds, numbered after the measured ones (their own topics), in round 0's order; discarded.
        for (int round = o.rounds; round < o.totalRounds(); round++) {
            boolean rawFirst = o.raw && o.rawFirst;
            if (rawFirst) {
                runner.warmUpRun(raw.apply(round), rawLabel + " (warm-up round)");
            }
            runner.warmUpRun(bus.apply(round), busLabel + " (warm-up round)");
            if (o.raw && !rawFirst) {
                runner.warmUpRun(raw.apply(round), rawLabel + " (warm-up round)");
            }
        }
        for (int round = 0; round < o.rounds; round++) {
            // Alternate the order: a broker (and its JIT, page cache, log segments) warmed by the first run of a
            // round favours the second one; alternating and taking medians cancels that out.
            boolean rawFirst = o.raw && (round % 2 == 0) == o.rawFirst;
            if (rawFirst) {
                rawRuns.add(runner.run(raw.apply(round), rawLabel));
            }
            busRuns.add(runner.run(bus.apply(round), busLabel));
            if (o.raw && !rawFirst) {
                rawRuns.add(runner.run(raw.apply(round), rawLabel));
            }
        }
        runs.add(afterWarmupRounds(median(busRuns), o.warmupRounds));
        if (o.raw) {
            runs.add(afterWarmupRounds(median(rawRuns), o.warmupRounds));
        }
    }

    /**
     * The median round, noting every round's figure when there were several. Closed loop: by end-to-end throughput.
     * Fixed rate: by end-to-end p99 latency, the figure such a run is for (every round reaches the rate, so ranking
     * by throughput would pick an arbitrary round, and with it an arbitrary p99). With an even number of rounds the
     * worse of the two middle ones is taken: the slower in closed loop, the higher p99 at a fixed rate.
     */
    static RunResult median(List<RunResult> rounds) {
        boolean byLatency = rounds.get(0).mode().equals("rate");
        java.util.function.Function<RunResult, Double> key = byLatency
                ? r -> r.endToEnd().count() == 0 ? Double.MAX_VALUE : r.endToEnd().p99()
                : r -> r.endToEndThroughput() == null ? 0 : r.endToEndThroughput();
        List<RunResult> sorted = new java.util.ArrayList<>(rounds);
        sorted.sort(java.util.Comparator.comparing(key));
        RunResult m = sorted.get(byLatency ? sorted.size() / 2 : (sorted.size() - 1) / 2);
        if (rounds.size() == 1) {
            return m;
        }
        List<String> notes = new java.util.ArrayList<>(m.notes());
        notes.add("median of " + rounds.size() + " rounds (order alternating)" + (byLatency
                ? " by end-to-end p99; p99 ms per round: " + rounds.stream().map(r -> r.endToEnd().count() == 0 ? "-"
                        : Stats.fmt(r.endToEnd().p99() / 1e3, 3)).collect(java.util.stream.Collectors.joining(", "))
                : "; end-to-end events/s per round: " + rounds.stream().map(r -> Stats.fmt(r.endToEndThroughput(), 0))
                        .collect(java.util.stream.Collectors.joining(", "))));
        Map<String, List<Double>> perRound = new LinkedHashMap<>();
        for (BenchReport.Metric metric : BenchReport.METRICS) {
            List<Double> values = new ArrayList<>();
            rounds.forEach(r -> values.add(metric.value().apply(r)));
            perRound.put(metric.key(), java.util.Collections.unmodifiableList(values));
        }
        return m.withRounds(java.util.Collections.unmodifiableMap(perRound), List.copyOf(notes));
    }

    private static RunResult afterWarmupRounds(RunResult r, int warmupRounds) {
        if (warmupRounds == 0) {
            return r;
        }
        List<String> notes = new ArrayList<>(r.notes());
        notes.add("measured after " + warmupRounds + " unmeasured warm-up round(s) of each target (--warmup-rounds)");
        return r.withRounds(r.rounds(), List.copyOf(notes));
    }

    private static void printNotes(PrintStream out, BenchOptions o, List<RunResult> runs) {
        for (RunResult r : runs) {
            for (String n : r.notes()) {
                out.println("NOTE " + r.kind() + ": " + n);
            }
        }
        RunResult bus = BenchReport.find(runs, "bus");
        if (bus != null && o.transport == BenchOptions.Transport.MEMORY) {
            out.printf(Locale.ROOT, "%nShared core alone (memory transport): %s events per CPU-second "
                    + "(process CPU time of the whole JVM: publisher, core threads, GC, JIT)%n",
                    Stats.fmt(bus.eventsPerCpuSecond(), 0));
            if (o.mode == BenchOptions.Mode.CLOSED) {
                int cores = Runtime.getRuntime().availableProcessors();
                out.printf(Locale.ROOT, "  wall clock: %s events/s on %d cores = %s events/s per core%n",
                        Stats.fmt(bus.endToEndThroughput(), 0), cores, Stats.fmt(
                                bus.endToEndThroughput() == null ? null : bus.endToEndThroughput() / cores, 0));
            }
        }
    }

    private static void writeFiles(BenchOptions o, String name, BenchReport report, PrintStream out)
            throws IOException {
        Files.createDirectories(o.out);
        String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        String base = name + "-" + o.mode.name().toLowerCase(Locale.ROOT) + "-" + stamp;
        String json = Json.write(report);
        Path jsonFile = o.out.resolve(base + ".json");
        Path htmlFile = o.out.resolve(base + ".html");
        Files.writeString(jsonFile, json, StandardCharsets.UTF_8);
        Files.writeString(htmlFile, HtmlReport.render(report, json), StandardCharsets.UTF_8);
        out.println();
        out.println("JSON:   " + jsonFile.toAbsolutePath());
        out.println("Report: " + htmlFile.toAbsolutePath());
    }

    /** {@code replicas} -1: the broker's default; 2 or more also sets min.insync.replicas 2. */
    static void createTopics(String bootstrap, int partitions, int replicas, String... topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<NewTopic> list = new ArrayList<>();
            for (String t : topics) {
                NewTopic topic = new NewTopic(t, Optional.of(partitions), replicas < 1 ? Optional.empty()
                        : Optional.of((short) replicas));
                if (replicas >= 2) {
                    topic.configs(Map.of("min.insync.replicas", "2"));
                }
                list.add(topic);
            }
            admin.createTopics(list).all().get(60, TimeUnit.SECONDS);
        }
    }

    static Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        Runtime rt = Runtime.getRuntime();
        env.put("cores", String.valueOf(rt.availableProcessors()));
        env.put("max heap", (rt.maxMemory() >> 20) + " MiB");
        env.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        env.put("kafka-clients", org.apache.kafka.common.utils.AppInfoParser.getVersion());
        Package nats = io.nats.client.Nats.class.getPackage();
        env.put("jnats", nats != null && nats.getImplementationVersion() != null ? nats.getImplementationVersion()
                : io.nats.client.Nats.CLIENT_VERSION);
        return env;
    }
}
