package io.relaybus.bench;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.relaybus.spi.support.UrlCredentials;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Deletes what a run created on an external broker: every Kafka topic or JetStream stream whose name contains the
 * run's id (the bench's topics and streams, and any dead-letter topic the bus created for them). Embedded brokers
 * are thrown away whole instead. Failures are reported and never fail the run: the results are already measured.
 */
final class BrokerCleanup {

    private BrokerCleanup() {
    }

    static void kafkaTopics(String bootstrap, String runId, PrintStream err) {
        if (bootstrap == null) {
            return;
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000))) {
            List<String> ours = admin.listTopics().names().get(15, TimeUnit.SECONDS).stream()
                    .filter(t -> t.contains(runId)).toList();
            if (!ours.isEmpty()) {
                admin.deleteTopics(ours).all().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            err.println("could not delete the bench's topics (names containing " + runId + ") on " + bootstrap
                    + ": " + e + "; delete them by hand");
        }
    }

    static void natsStreams(String url, String runId, PrintStream err) {
        if (url == null) {
            return;
        }
        try (Connection nc = Nats.connect(Options.builder().server(url).connectionTimeout(Duration.ofSeconds(5))
                .build())) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            for (String stream : jsm.getStreamNames()) {
                if (stream.contains(runId)) {
                    jsm.deleteStream(stream);
                }
            }
        } catch (Exception e) {
            err.println("could not delete the bench's streams (names containing " + runId + ") on "
                    + UrlCredentials.hide(url) + ": " + Redact.text(e.toString()) + "; delete them by hand");
        }
    }
}
