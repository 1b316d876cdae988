package io.relaybus.bridge;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.relaybus.api.BusConfigException;
import io.relaybus.api.BusRetriableException;
import io.relaybus.nats.NatsConfig;
import io.relaybus.nats.NatsTransportProvider;
import io.relaybus.spi.Transport;
import io.relaybus.spi.TransportContext;
import io.relaybus.spi.config.ConfigValues;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the NATS transport a task runs on, on a thread of its own, retrying while NATS cannot be reached: each attempt
 * is the transport's own connect (bounded by {@code nats.connect.timeout.ms}), the pause between attempts starts at
 * {@code nats.reconnect.wait.ms} and doubles up to 30 s, and after {@code nats.connect.retry.max.ms} the last error
 * fails the task. Refused credentials, a server without JetStream and invalid configuration fail at once. Every attempt
 * is logged (WARN); no message holds a secret (the transport's messages show server URLs without user information).
 *
 * <p>The task's thread asks {@link #transport()} without blocking; {@link #close()} stops the retries and closes a
 * transport that arrived. Thread safe.
 */
final class NatsOpener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NatsOpener.class);
    private static final long MAX_BACKOFF_MS = 30_000;

    private final CompletableFuture<Transport> result = new CompletableFuture<>();
    private final Thread thread;
    private volatile boolean closed;

    /**
     * @param props    the task's configuration, deprecated names already translated
     * @param mode     {@code jetstream} or {@code core}
     * @param clientId the connection name on the server
     */
    NatsOpener(Map<String, String> props, String mode, String clientId) {
        List<BusConfigException.Problem> problems = new ArrayList<>();
        ConfigValues values = NatsKeys.transportValues(props, mode, problems);
        if (!problems.isEmpty()) {
            throw new ConnectException(new BusConfigException(problems).getMessage());
        }
        long retryMs = Long.parseLong(props.getOrDefault(NatsKeys.CONNECT_RETRY_CONFIG,
                String.valueOf(NatsKeys.CONNECT_RETRY_DEFAULT)).trim());
        long firstPause = values.getDuration(NatsConfig.RECONNECT_WAIT_CONFIG).toMillis();
        thread = new Thread(() -> run(values, clientId, retryMs, firstPause), "relaybus-bridge-connect-" + clientId);
        thread.setDaemon(true);
        thread.start();
    }

    private void run(ConfigValues values, String clientId, long retryMs, long firstPause) {
        long deadline = System.nanoTime() + Duration.ofMillis(retryMs).toNanos();
        long pause = Math.max(10, firstPause);
        for (int attempt = 1; !closed; attempt++) {
            try {
                Transport t = new NatsTransportProvider().create(new TransportContext(clientId, values));
                if (closed || !result.complete(t)) {
                    t.close();
                } else if (attempt > 1) {
                    log.info("{} connected to NATS on attempt {}", clientId, attempt);
                }
                return;
            } catch (BusRetriableException e) {
                long left = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
                if (left <= 0) {
                    result.completeExceptionally(new ConnectException(clientId + ": NATS could not be reached in " + attempt
                            + " attempt(s) over " + retryMs + " ms (" + NatsKeys.CONNECT_RETRY_CONFIG + "); last "
                            + "error: " + e.getMessage()));
                    return;
                }
                long wait = Math.min(pause, left);
                log.warn("NATS not reachable for {} (attempt {}): {}; trying again in {} ms, for up to {} ms more ({})",
                        clientId, attempt, e.getMessage(), wait, left, NatsKeys.CONNECT_RETRY_CONFIG);
                sleep(wait);
                pause = Math.min(MAX_BACKOFF_MS, pause * 2);
            } catch (RuntimeException e) {
                result.completeExceptionally(new ConnectException("Cannot open the NATS connection: "
                        + e.getMessage() + ". Fix the configuration or the server, then restart the task"));
                return;
            }
        }
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /**
     * The transport once connected, null while still trying.
     *
     * @throws ConnectException when connecting failed for good (the message says why, without secrets)
     */
    Transport transport() {
        if (!result.isDone()) {
            return null;
        }
        if (result.isCompletedExceptionally()) {
            try {
                result.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof ConnectException ce ? ce : new ConnectException(e.getCause());
            }
        }
        return result.join();
    }

    /** Waits up to {@code timeout} for the outcome; then as {@link #transport()}. */
    Transport await(Duration timeout) throws InterruptedException {
        try {
            result.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // reported by transport()
        }
        return transport();
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        result.completeExceptionally(new ConnectException("stopped"));
        Transport t = result.isCompletedExceptionally() ? null : result.join();
        if (t != null) {
            t.close();
        }
    }
}
