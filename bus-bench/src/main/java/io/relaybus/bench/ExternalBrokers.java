package io.relaybus.bench;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.relaybus.spi.support.UrlCredentials;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Checks an external broker before a run (--bootstrap, --nats-url), so that a wrong address fails within seconds with
 * what to check, before anything is created on it or measured, instead of after a minute with a bare timeout.
 */
final class ExternalBrokers {

    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private ExternalBrokers() {
    }

    /** Throws when no Kafka broker answers at {@code bootstrap} within {@link #TIMEOUT}. */
    static void checkKafka(String bootstrap) throws BenchFailure, InterruptedException {
        int ms = (int) TIMEOUT.toMillis();
        Admin admin;
        try {
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms,
                    AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2_000));
        } catch (KafkaException e) {
            // No address resolves (the client says which setting), or the list does not parse.
            throw new BenchFailure("--bootstrap " + bootstrap + ": " + innermost(e)
                    + "; check the host name and port");
        }
        try {
            admin.describeCluster().clusterId().get(ms + 2_000L, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new BenchFailure("--bootstrap " + bootstrap + ": no answer from Kafka within " + TIMEOUT.toSeconds()
                    + " s (" + cause + "); check that a broker listens there and is reachable from this host");
        } finally {
            admin.close(Duration.ofSeconds(1));
        }
    }

    /** Throws when no NATS server answers at {@code url} within {@link #TIMEOUT}; never shows its credentials. */
    static void checkNats(String url) throws BenchFailure, InterruptedException {
        // The builder parses the URL: inside the try, so that a URL jnats refuses is reported like an absent server.
        try (Connection ignored = Nats.connect(Options.builder().server(url).connectionTimeout(TIMEOUT).noReconnect()
                .errorListener(new io.nats.client.ErrorListener() {
                }).build())) {
            // connected: the server answers
        } catch (java.io.IOException | IllegalArgumentException | IllegalStateException e) {
            // jnats' message may quote the URL, and its password may hold what hideAll stops at (a space, a comma).
            String shown = UrlCredentials.hide(url);
            throw new BenchFailure("--nats-url " + shown + ": " + Redact.text(innermost(e).replace(url, shown))
                    + "; check that nats-server runs there and is reachable from this host");
        }
    }

    private static String innermost(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }
}
