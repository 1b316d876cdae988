package io.relaybus.bench;

import io.relaybus.embedded.ConnectRest;
import io.relaybus.embedded.EmbeddedConnect;
import io.relaybus.embedded.EmbeddedKafka;
import io.relaybus.embedded.EmbeddedNats;
import io.relaybus.spi.support.UrlCredentials;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * The bridge mode ({@code --transport bridge}): for each direction, the connector mirroring the run's stream or topic
 * in a Connect worker, then the raw mirror in this JVM, alternating over the rounds; one report per direction.
 *
 * <p>With {@code --embedded} it starts a Kafka broker, a nats-server and a Connect worker that loads connect-bridge
 * from its plugin archive through {@code plugin.path}; without it, an embedded worker against the given brokers, or
 * the worker at {@code --connect-url}. Everything it started is stopped at the end; on external brokers, what the run
 * created (names containing the run id, and an embedded worker's internal topics) is deleted.
 */
final class BridgeRun {

    private BridgeRun() {
    }

    static List<BenchMain.Section> run(BenchOptions o, Runner runner, String runId, Progress progress,
                                       PrintStream out) throws Exception {
        EmbeddedKafka kafka = null;
        EmbeddedNats nats = null;
        EmbeddedConnect connect = null;
        Path scratch = null;
        String bootstrap = o.bootstrap;
        String natsUrl = o.natsUrl;
        if (!o.embedded) {
            // Before the try: when either is not there, nothing was created on the other to clean up.
            ExternalBrokers.checkKafka(bootstrap);
            ExternalBrokers.checkNats(natsUrl);
        }
        try {
            String brokers = "external Kafka at " + bootstrap + " and NATS at " + UrlCredentials.hide(natsUrl);
            if (o.embedded) {
                progress.message("starting an embedded KRaft broker ...");
                kafka = EmbeddedKafka.builder().heap("1g").start();
                bootstrap = kafka.bootstrapServers();
                progress.message("starting nats-server ...");
                nats = EmbeddedNats.start();
                natsUrl = nats.url();
                runner.brokers(kafka, nats);
                progress.done();
                brokers = "embedded Kafka " + org.apache.kafka.common.utils.AppInfoParser.getVersion()
                        + " KRaft (1 node, " + bootstrap + ") and nats-server (JetStream, file storage, " + natsUrl
                        + "), same host";
            }
            ConnectRest rest;
            String worker;
            LongSupplier workerCpu;
            if (o.connectUrl != null) {
                rest = new ConnectRest(o.connectUrl);
                String shownUrl = UrlCredentials.hide(o.connectUrl);
                List<String> plugins;
                try {
                    plugins = rest.connectorPlugins();
                } catch (java.io.IOException | IllegalStateException e) {
                    throw new BenchFailure("--connect-url " + shownUrl + ": " + Redact.text(e.toString())
                            + "; check that a Connect worker's REST API answers there");
                }
                if (!plugins.contains(BridgeSettings.SOURCE_CLASS) || !plugins.contains(BridgeSettings.SINK_CLASS)) {
                    throw new BenchFailure("--connect-url " + shownUrl + ": the worker does not list "
                            + BridgeSettings.SOURCE_CLASS + " and " + BridgeSettings.SINK_CLASS + " (it lists "
                            + plugins + "): unpack connect-bridge's plugin archive into its plugin.path and restart it");
                }
                worker = "external Connect " + rest.workerVersion() + " worker at " + shownUrl;
                workerCpu = () -> -1;
            } else {
                progress.message("starting a Kafka Connect worker ...");
                scratch = Files.createTempDirectory("relaybus-bench-bridge-");
                connect = EmbeddedConnect.builder(bootstrap)
                        .pluginArchive(BridgeResources.pluginArchive(scratch))
                        .classPath(BridgeResources.workerClassPath())
                        .heap("512m")
                        .expectPlugins(BridgeSettings.SOURCE_CLASS, BridgeSettings.SINK_CLASS)
                        .start();
                progress.done();
                rest = connect.rest();
                worker = "Connect " + rest.workerVersion() + " distributed worker forked by the bench (1 node, "
                        + "-Xmx512m, G1; connect-bridge loaded from plugin.path, service_load; log " + connect.logFile()
                        + " while it runs)";
                EmbeddedConnect started = connect;
                workerCpu = () -> started.cpuTime().map(java.time.Duration::toNanos).orElse(-1L);
            }
            BridgeSettings bridge = new BridgeSettings(o.connectorProperties);
            KafkaSettings kafkaSettings = new KafkaSettings(o);
            List<BenchMain.Section> sections = new ArrayList<>();
            for (BenchOptions.Direction d : o.directions) {
                String tag = d == BenchOptions.Direction.NATS_TO_KAFKA ? "n2k" : "k2n";
                IntFunction<String> bridgeName = round -> "bench-bridge-" + tag + "-" + runId + "-" + round;
                IntFunction<String> rawName = round -> "bench-raw-" + tag + "-" + runId + "-" + round;
                List<String> topics = new ArrayList<>();
                for (int round = 0; round < o.totalRounds(); round++) {
                    topics.add(bridgeName.apply(round));
                    topics.add(rawName.apply(round));
                }
                BenchMain.createTopics(bootstrap, o.partitions, -1, topics.toArray(String[]::new));
                Map<String, String> config = d == BenchOptions.Direction.NATS_TO_KAFKA
                        ? bridge.source(natsUrl, "<run>") : bridge.sink(natsUrl, "<run>");
                out.println("connector (" + d.flag + "): " + config);
                List<RunResult> runs = new ArrayList<>();
                String bs = bootstrap;
                String url = natsUrl;
                String w = worker;
                BenchMain.runBoth(o, runner, runs, round -> new ConnectorMirrorTarget(d, bs, url,
                        bridgeName.apply(round), o.partitions, kafkaSettings, bridge, rest, w, workerCpu),
                        "bridge " + d.flag, round -> new RawMirrorTarget(d, bs, url, rawName.apply(round),
                        o.partitions, kafkaSettings, bridge), "raw mirror " + d.flag);
                sections.add(new BenchMain.Section("bridge-" + d.flag, brokers + "; " + worker, runs));
            }
            return sections;
        } finally {
            // Each step on its own: one that fails must neither skip the others (brokers left running) nor hide the
            // exception the run ended with.
            EmbeddedConnect c = connect;
            EmbeddedKafka k = kafka;
            EmbeddedNats n = nats;
            Path s = scratch;
            String b = bootstrap;
            String u = natsUrl;
            if (c != null) {
                progress.message("stopping the Connect worker ...");
                quietly("stopping the Connect worker", c::close);
                if (k == null) {
                    quietly("deleting the worker's internal topics", () -> deleteTopics(b, c.internalTopics()));
                }
            }
            if (s != null) {
                quietly("deleting " + s, () -> deleteTree(s));
            }
            if (k != null) {
                progress.message("stopping the embedded broker ...");
                quietly("stopping the embedded Kafka broker", k::close);
            } else {
                quietly("deleting the run's topics", () -> BrokerCleanup.kafkaTopics(b, runId, System.err));
            }
            if (n != null) {
                quietly("stopping nats-server", n::close);
            } else {
                quietly("deleting the run's streams", () -> BrokerCleanup.natsStreams(u, runId, System.err));
            }
            progress.done();
        }
    }

    private static void deleteTree(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void quietly(String what, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            System.err.println(what + " failed: " + e);
        }
    }

    private static void deleteTopics(String bootstrap, List<String> topics) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.deleteTopics(topics).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("could not delete the Connect worker's internal topics " + topics + " on " + bootstrap
                    + ": " + e + "; delete them by hand");
        }
    }
}
