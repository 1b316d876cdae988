package io.relaybus.nats;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.relaybus.api.BusConfigException;
import io.relaybus.api.BusFatalException;
import io.relaybus.api.BusHealth;
import io.relaybus.api.BusRetriableException;
import io.relaybus.api.Event;
import io.relaybus.api.PublishReceipt;
import io.relaybus.nats.support.JetStreamSupport;
import io.relaybus.spi.DeliverySink;
import io.relaybus.spi.SubscriptionSpec;
import io.relaybus.spi.Transport;
import io.relaybus.spi.TransportSubscription;
import io.relaybus.spi.support.CallbackThread;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The NATS transport: one jnats connection, in JetStream or core mode (see {@link NatsConfig.Mode}).
 *
 * <p>Owns: the connection; one callback thread that completes publish futures (never a jnats thread, see
 * {@link JetStreamPublisher}); one timer thread (publish timeouts, in-progress keep-alives); one pull or read thread
 * per subscription. Thread safe. Lifecycle: {@link NatsTransportProvider#create} connects (and, for JetStream,
 * checks that JetStream answers); {@link #close()} sends what is batched, waits for outstanding acknowledgements
 * (bounded by the publish timeout), then closes the connection and the threads.
 *
 * <p>{@link #unwrap}: the jnats {@link Connection}, and in JetStream mode the
 * {@link io.relaybus.nats.support.JetStreamSupport} the Connect bridge runs its source on.
 */
final class NatsTransport implements Transport {

    private final NatsConfig config;
    private final Connection connection;
    private final String servers;
    private final CallbackThread callbacks;
    private final ScheduledExecutorService timer;
    private final JetStreamManagement jsm;
    private final StreamRegistry streams;
    private final JetStreamPublisher jetStreamPublisher;
    private final CorePublisher corePublisher;
    private final String clientId;
    private final PublishPermissions permissions;
    private volatile boolean closed;

    NatsTransport(NatsConfig config, String clientId) {
        this.config = config;
        this.clientId = clientId;
        this.servers = NatsConnector.describeServers(config);
        this.permissions = new PublishPermissions();
        this.connection = NatsConnector.connect(config, clientId, permissions);
        this.callbacks = new CallbackThread("relaybus-nats-" + clientId + "-callbacks");
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "relaybus-nats-" + clientId + "-timer"));
        try {
            if (config.mode() == NatsConfig.Mode.JETSTREAM) {
                this.jsm = connection.jetStreamManagement();
                checkJetStream();
                JetStream js = connection.jetStream();
                this.streams = new StreamRegistry(jsm, config);
                this.jetStreamPublisher = new JetStreamPublisher(js, streams, config, servers, clientId,
                        this::complete, timer, permissions);
                this.corePublisher = null;
            } else {
                this.jsm = null;
                this.streams = null;
                this.jetStreamPublisher = null;
                this.corePublisher = new CorePublisher(connection, config, servers, clientId, this::complete);
            }
        } catch (IOException e) {
            shutdown();
            throw new BusRetriableException("Could not reach JetStream at " + servers + ": " + e.getMessage()
                    + "; check that JetStream is enabled for this account", e);
        } catch (RuntimeException e) {
            shutdown();
            throw e;
        }
    }

    private void checkJetStream() throws IOException {
        if (!connection.getServerInfo().isJetStreamAvailable()) {
            throw new BusFatalException("JetStream is not enabled on the NATS server at " + servers + " (version "
                    + connection.getServerInfo().getVersion() + "); start it with -js (or jetstream {} in its "
                    + "configuration) or set " + NatsConfig.MODE_CONFIG + "=core for at-most-once core NATS");
        }
        try {
            jsm.getAccountStatistics();
        } catch (JetStreamApiException e) {
            throw new BusFatalException("JetStream is not available for this account at " + servers + " (error "
                    + e.getApiErrorCode() + ": " + e.getErrorDescription() + "); enable JetStream on the server "
                    + "(nats-server -js) or set " + NatsConfig.MODE_CONFIG + "=core", e);
        } catch (IOException | IllegalStateException e) {
            String text = String.valueOf(e.getMessage());
            if (text.contains("503") || text.toLowerCase().contains("no responders")) {
                throw new BusFatalException("JetStream is not enabled on the NATS server at " + servers + "; start it "
                        + "with -js (or jetstream {} in its configuration) or set " + NatsConfig.MODE_CONFIG + "=core",
                        e);
            }
            throw e instanceof IOException ? (IOException) e : new IOException(e);
        }
        if (config.values().getEnum(NatsConfig.STREAM_COMPRESSION_CONFIG, NatsConfig.Compression.class)
                == NatsConfig.Compression.S2 && connection.getServerInfo().isOlderThanVersion("2.10.0")) {
            throw new BusFatalException(NatsConfig.STREAM_COMPRESSION_CONFIG + "=s2 needs nats-server 2.10 or newer; "
                    + "the server at " + servers + " is " + connection.getServerInfo().getVersion() + ". Upgrade it or "
                    + "set " + NatsConfig.STREAM_COMPRESSION_CONFIG + "=none");
        }
    }

    /** Runs a future's completion on the callback thread; inline once that is closed, so none is lost. */
    private void complete(Runnable completion) {
        callbacks.execute(completion);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public CompletableFuture<PublishReceipt> publish(Event event) {
        if (closed) {
            return CompletableFuture.failedFuture(new BusFatalException("The NATS transport is closed"));
        }
        return jetStreamPublisher != null ? jetStreamPublisher.publish(event) : corePublisher.publish(event);
    }

    /**
     * A topic is valid when {@code nats.subject.prefix} + topic is a subject one can publish to: no white space or
     * control characters, no wildcard tokens ({@code *}, {@code >}), no empty tokens.
     */
    @Override
    public void validateTopic(String topic) {
        try {
            config.subjectOf(topic);
        } catch (IllegalArgumentException e) {
            throw new BusConfigException("topic", topic, e.getMessage() + "; a NATS subject to publish to has no "
                    + "white space or control characters, no wildcard tokens * or >, and no empty tokens (leading, "
                    + "trailing or doubled '.')");
        }
    }

    @Override
    public TransportSubscription subscribe(SubscriptionSpec spec, DeliverySink sink) {
        if (closed) {
            throw new BusFatalException("The NATS transport is closed");
        }
        try {
            if (config.mode() == NatsConfig.Mode.JETSTREAM) {
                return new PullConsumerSubscription(connection, jsm, streams, config, clientId, spec, sink, timer);
            }
            return new CoreNatsSubscription(connection, config, spec, sink);
        } catch (IllegalArgumentException e) {
            throw new BusFatalException("Cannot subscribe to " + spec.describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public BusHealth health() {
        return closed ? BusHealth.down("closed") : NatsConnector.health(connection, servers);
    }

    /** The JetStream publisher, for tests of the publish window; null in core mode. */
    JetStreamPublisher jetStreamPublisher() {
        return jetStreamPublisher;
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        if (type == JetStreamSupport.class) {
            return jsm == null ? Optional.empty()
                    : Optional.of(type.cast(new NatsJetStreamSupport(connection, jsm, streams, config, timer)));
        }
        return type.isInstance(connection) ? Optional.of(type.cast(connection)) : Optional.empty();
    }

    Connection connection() {
        return connection;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (jetStreamPublisher != null) {
                jetStreamPublisher.close();
            }
            if (corePublisher != null) {
                corePublisher.close();
            }
        } finally {
            shutdown();
        }
    }

    private void shutdown() {
        NatsConnector.closeQuietly(connection);
        timer.shutdownNow();
        callbacks.close(Duration.ofSeconds(5));
    }
}
