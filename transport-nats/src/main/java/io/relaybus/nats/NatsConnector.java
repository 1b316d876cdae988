package io.relaybus.nats;

import io.relaybus.nats.support.Names;

import io.nats.client.AuthHandler;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.relaybus.api.BusConfigException;
import io.relaybus.api.BusFatalException;
import io.relaybus.api.BusHealth;
import io.relaybus.api.BusRetriableException;
import io.relaybus.spi.config.ConfigValues;
import io.relaybus.spi.support.UrlCredentials;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Opens the jnats {@link Connection} for a transport: servers, reconnect policy (forever, once connected),
 * authentication and TLS from {@link NatsConfig}, within a bounded time. Secrets are handed to jnats only; messages
 * and logs name the servers with any {@code user:password@} removed. Stateless.
 */
final class NatsConnector {

    private static final Logger LOG = LoggerFactory.getLogger(NatsConnector.class);

    private NatsConnector() {
    }

    /** The servers, fit for messages. */
    static String describeServers(NatsConfig config) {
        return config.servers().stream().map(UrlCredentials::hide).collect(Collectors.joining(","));
    }

    /**
     * Connects, or fails within {@code nats.connect.timeout.ms} over all servers together.
     *
     * @throws BusRetriableException when no server could be reached in time, naming the servers
     * @throws BusFatalException     when the server refused the credentials
     */
    static Connection connect(NatsConfig config, String clientId) {
        return connect(config, clientId, new PublishPermissions());
    }

    /** {@link #connect(NatsConfig, String)}, telling {@code permissions} of the publishes the server refuses. */
    static Connection connect(NatsConfig config, String clientId, PublishPermissions permissions) {
        LoggingErrorListener errors = new LoggingErrorListener(permissions);
        Options options;
        try {
            options = options(config, clientId, errors);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // NatsConfig checked what jnats checks here; should jnats refuse anyway, its message may quote a URL or
            // a key with its secret: not used.
            throw new BusConfigException(NatsConfig.SERVERS_CONFIG, describeServers(config), "jnats refused the "
                    + "connection settings (" + e.getClass().getSimpleName() + "); check " + NatsConfig.SERVERS_CONFIG
                    + " and the authentication and TLS keys");
        }
        String servers = describeServers(config);
        Duration timeout = config.connectTimeout();
        // jnats tries each server once with the connection timeout; the outer deadline bounds the whole attempt,
        // DNS and TLS handshakes included.
        CompletableFuture<Connection> attempt = CompletableFuture.supplyAsync(() -> {
            try {
                return Nats.connect(options);
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.util.concurrent.CompletionException(e);
            }
        }, r -> {
            Thread t = new Thread(r, "relaybus-nats-connect-" + clientId);
            t.setDaemon(true);
            t.start();
        });
        try {
            // A refused login does not end jnats's attempt (it waits for its own timeout); the server's error does.
            CompletableFuture.anyOf(attempt, errors.authFailure).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!attempt.isDone() && errors.authFailure.isDone()) {
                attempt.thenAccept(NatsConnector::closeQuietly);
                throw new BusFatalException("NATS at " + servers + " refused the credentials ("
                        + errors.authFailure.join() + "); check nats.creds.file, nats.token, nats.user/nats.password "
                        + "or nats.nkey.seed");
            }
            return attempt.get();
        } catch (TimeoutException e) {
            attempt.thenAccept(NatsConnector::closeQuietly);   // a connection that arrives late is not leaked
            throw new BusRetriableException("Could not connect to NATS at " + servers + " within " + timeout.toMillis()
                    + " ms (" + NatsConfig.CONNECT_TIMEOUT_CONFIG + "); check that nats-server runs there and is "
                    + "reachable from this host");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            attempt.thenAccept(NatsConnector::closeQuietly);
            throw new BusRetriableException("Interrupted while connecting to NATS at " + servers, e);
        } catch (ExecutionException e) {
            Throwable cause = UrlCredentials.hidden(e.getCause());
            String text = String.valueOf(UrlCredentials.hideAll(e.getCause().getMessage()));
            if (e.getCause() instanceof io.nats.client.AuthenticationException
                    || text.contains("Authorization Violation")) {
                throw new BusFatalException("NATS at " + servers + " refused the credentials (" + text + "); check "
                        + "nats.creds.file, nats.token, nats.user/nats.password or nats.nkey.seed", cause);
            }
            throw new BusRetriableException("Could not connect to NATS at " + servers + ": " + text + "; check that "
                    + "nats-server runs there and is reachable from this host", cause);
        }
    }

    static BusHealth health(Connection connection, String servers) {
        Connection.Status status = connection.getStatus();
        String where = connection.getConnectedUrl() == null ? servers : UrlCredentials.hide(connection.getConnectedUrl());
        switch (status) {
            case CONNECTED:
                return BusHealth.up("connected to " + where);
            case CLOSED:
                return BusHealth.down("connection closed");
            default:
                return BusHealth.degraded(status.name().toLowerCase() + "; servers " + servers);
        }
    }

    static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.debug("Closing the NATS connection failed", e);
        }
    }

    private static Options options(NatsConfig config, String clientId, ErrorListener errors) {
        ConfigValues v = config.values();
        Options.Builder b = new Options.Builder()
                .servers(config.servers().toArray(String[]::new))
                .connectionName(clientId)
                .connectionTimeout(config.connectTimeout())
                .maxReconnects(-1)
                .reconnectWait(v.getDuration(NatsConfig.RECONNECT_WAIT_CONFIG))
                .reconnectBufferSize(v.getLong(NatsConfig.RECONNECT_BUFFER_CONFIG))
                // jnats times out request futures (JetStream publish acks) on this interval; keep it in step with
                // the publish timeout so a window permit is never held much longer than its publish.
                .requestCleanupInterval(config.publishTimeout())
                // Let jnats's writer send queued publishes in one socket write instead of flushing after each JetStream
                // publish (a request); the writer writes as soon as it has drained its queue, so no latency is added.
                .dontForceFlushOnRequest()
                .errorListener(errors)
                .connectionListener(new LoggingConnectionListener());
        if (v.has(NatsConfig.CREDS_FILE_CONFIG)) {
            b.authHandler(Nats.credentials(v.getString(NatsConfig.CREDS_FILE_CONFIG)));
        } else if (v.has(NatsConfig.TOKEN_CONFIG)) {
            b.token(v.getPassword(NatsConfig.TOKEN_CONFIG).value().toCharArray());
        } else if (v.has(NatsConfig.USER_CONFIG)) {
            b.userInfo(v.getString(NatsConfig.USER_CONFIG).toCharArray(),
                    v.getPassword(NatsConfig.PASSWORD_CONFIG).value().toCharArray());
        } else if (v.has(NatsConfig.NKEY_SEED_CONFIG)) {
            b.authHandler(new SeedAuthHandler(config.nkeySeed().toCharArray()));
        }
        boolean tlsUrl = config.servers().stream().anyMatch(s -> s.startsWith("tls://"));
        if (v.getBoolean(NatsConfig.TLS_ENABLED_CONFIG) || tlsUrl || v.has(NatsConfig.TRUSTSTORE_PATH_CONFIG)
                || v.has(NatsConfig.KEYSTORE_PATH_CONFIG)) {
            if (v.has(NatsConfig.TRUSTSTORE_PATH_CONFIG) || v.has(NatsConfig.KEYSTORE_PATH_CONFIG)) {
                if (v.has(NatsConfig.TRUSTSTORE_PATH_CONFIG)) {
                    b.truststorePath(v.getString(NatsConfig.TRUSTSTORE_PATH_CONFIG));
                    if (v.has(NatsConfig.TRUSTSTORE_PASSWORD_CONFIG)) {
                        b.truststorePassword(v.getPassword(NatsConfig.TRUSTSTORE_PASSWORD_CONFIG).value().toCharArray());
                    }
                }
                if (v.has(NatsConfig.KEYSTORE_PATH_CONFIG)) {
                    b.keystorePath(v.getString(NatsConfig.KEYSTORE_PATH_CONFIG));
                    if (v.has(NatsConfig.KEYSTORE_PASSWORD_CONFIG)) {
                        b.keystorePassword(v.getPassword(NatsConfig.KEYSTORE_PASSWORD_CONFIG).value().toCharArray());
                    }
                }
            } else {
                try {
                    b.secure();
                } catch (NoSuchAlgorithmException e) {
                    throw new BusConfigException(NatsConfig.TLS_ENABLED_CONFIG, "true",
                            "this JVM has no default TLS context: " + e.getMessage());
                }
            }
            if (v.getBoolean(NatsConfig.TLS_FIRST_CONFIG)) {
                b.tlsFirst();
            }
        }
        return b.build();
    }

    /** nkey authentication from a seed alone: signs the server's nonce, presents the public key. */
    private static final class SeedAuthHandler implements AuthHandler {
        private final NKey key;

        SeedAuthHandler(char[] seed) {
            this.key = NKey.fromSeed(seed);
        }

        @Override
        public byte[] sign(byte[] nonce) {
            try {
                return key.sign(nonce);
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("Signing the NATS nonce with the nkey failed", e);
            }
        }

        @Override
        public char[] getID() {
            try {
                return key.getPublicKey();
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("Deriving the nkey's public key failed", e);
            }
        }

        @Override
        public char[] getJWT() {
            return null;
        }
    }

    /** jnats problems into the platform logger, without stack-trace noise for routine reconnects. */
    private static final class LoggingErrorListener implements ErrorListener {
        final CompletableFuture<String> authFailure = new CompletableFuture<>();
        private final PublishPermissions permissions;

        LoggingErrorListener(PublishPermissions permissions) {
            this.permissions = permissions;
        }

        @Override
        public void errorOccurred(Connection conn, String error) {
            if (permissions.serverError(error)) {
                // The publish fails with a fatal error that says so; one line per refused publish is enough.
                LOG.debug("NATS server error: {}", error);
                return;
            }
            LOG.warn("NATS server error: {}; check the server log and this client's permissions", error);
            String lower = String.valueOf(error).toLowerCase(java.util.Locale.ROOT);
            if (lower.contains("authorization violation") || lower.contains("authentication")) {
                authFailure.complete(error);
            }
        }

        @Override
        public void exceptionOccurred(Connection conn, Exception exp) {
            LOG.debug("NATS connection exception: {}", UrlCredentials.hideAll(exp.toString()));
        }

        @Override
        public void slowConsumerDetected(Connection conn, Consumer consumer) {
            LOG.warn("NATS slow consumer: a core-mode subscription fell behind and the "
                    + "client drops events (raise " + NatsConfig.CORE_PENDING_LIMIT_CONFIG + " or concurrency)");
        }
    }

    private static final class LoggingConnectionListener implements ConnectionListener {
        @Override
        @Deprecated
        public void connectionEvent(Connection conn, Events type) {
            connectionEvent(conn, type, null, null);
        }

        @Override
        public void connectionEvent(Connection conn, Events type, Long time, String uriDetails) {
            Level level = type == Events.DISCONNECTED ? Level.WARN : Level.INFO;
            String url = conn.getConnectedUrl();
            LOG.atLevel(level).log("NATS connection {}{}", type.name().toLowerCase(),
                    url == null ? "" : " (" + UrlCredentials.hide(url) + ")");
        }
    }

    static List<String> redacted(List<String> servers) {
        return servers.stream().map(UrlCredentials::hide).collect(Collectors.toList());
    }
}
