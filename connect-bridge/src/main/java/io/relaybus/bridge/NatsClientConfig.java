package io.relaybus.bridge;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Map;

import io.nats.client.AuthHandler;
import io.nats.client.Connection;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;

/**
 * The NATS connection and loop-prevention settings both connectors share: a {@link ConfigDef} fragment and the
 * code that opens a {@link Connection} from it. Secrets (token, password, nkey seed) are {@link Type#PASSWORD} and
 * print as {@code [hidden]}; the creds file path is not a secret.
 */
final class NatsClientConfig {

    static final String GROUP = "NATS connection";

    static final String SERVERS_CONFIG = "nats.servers";
    static final String SERVERS_DOC = "NATS server URLs, e.g. nats://host:4222. The client connects to one and "
            + "fails over to the others.";
    static final String TOKEN_CONFIG = "nats.token";
    static final String TOKEN_DOC = "Authentication token. Do not combine with nats.username.";
    static final String USERNAME_CONFIG = "nats.username";
    static final String USERNAME_DOC = "User name for user/password authentication (with nats.password).";
    static final String PASSWORD_CONFIG = "nats.password";
    static final String PASSWORD_DOC = "Password for nats.username.";
    static final String NKEY_SEED_CONFIG = "nats.nkey.seed";
    static final String NKEY_SEED_DOC = "NKey seed (starts with SU) for nkey authentication.";
    static final String CREDS_FILE_CONFIG = "nats.creds.file";
    static final String CREDS_FILE_DOC = "Path of a .creds file (JWT and nkey seed) on the worker host, for "
            + "decentralized authentication. The path itself is not secret; protect the file.";
    static final String CONNECTION_TIMEOUT_CONFIG = "nats.connection.timeout.ms";
    static final String CONNECTION_TIMEOUT_DOC = "How long to wait for the initial connection before the task fails "
            + "with a retriable error.";
    static final long CONNECTION_TIMEOUT_DEFAULT = 10_000;

    static final String BRIDGE_ID_CONFIG = "bridge.id";
    static final String BRIDGE_ID_DOC = "This connector's id in the " + Origins.HEADER + " header it adds to every "
            + "message it writes. Empty means the connector name.";
    static final String ORIGIN_SKIP_CONFIG = "bridge.origin.skip";
    static final String ORIGIN_SKIP_DOC = "Origin ids (the bridge.id of the peer connector in a two-way deployment) "
            + "whose messages are not forwarded: the source acks and skips NATS messages carrying one of them, the "
            + "sink skips Kafka records carrying one of them. Prevents echo loops.";

    private NatsClientConfig() {
    }

    static ConfigDef define(ConfigDef def) {
        int order = 0;
        return def
                .define(SERVERS_CONFIG, Type.LIST, "nats://127.0.0.1:4222", Validators.nonEmptyList("NATS server URL"), Importance.HIGH, SERVERS_DOC, GROUP, ++order, ConfigDef.Width.LONG, "NATS servers")
                .define(TOKEN_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, TOKEN_DOC,
                        GROUP, ++order, ConfigDef.Width.MEDIUM, "Token")
                .define(USERNAME_CONFIG, Type.STRING, null, Importance.MEDIUM, USERNAME_DOC,
                        GROUP, ++order, ConfigDef.Width.MEDIUM, "User name")
                .define(PASSWORD_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, PASSWORD_DOC,
                        GROUP, ++order, ConfigDef.Width.MEDIUM, "Password")
                .define(NKEY_SEED_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, NKEY_SEED_DOC,
                        GROUP, ++order, ConfigDef.Width.LONG, "NKey seed")
                .define(CREDS_FILE_CONFIG, Type.STRING, null, Importance.MEDIUM, CREDS_FILE_DOC,
                        GROUP, ++order, ConfigDef.Width.LONG, "Creds file")
                .define(CONNECTION_TIMEOUT_CONFIG, Type.LONG, CONNECTION_TIMEOUT_DEFAULT, ConfigDef.Range.atLeast(100),
                        Importance.LOW, CONNECTION_TIMEOUT_DOC, GROUP, ++order, ConfigDef.Width.SHORT,
                        "Connection timeout (ms)")
                .define(BRIDGE_ID_CONFIG, Type.STRING, "", Importance.MEDIUM, BRIDGE_ID_DOC,
                        "Loop prevention", 1, ConfigDef.Width.MEDIUM, "Bridge id")
                .define(ORIGIN_SKIP_CONFIG, Type.LIST, "", Importance.MEDIUM, ORIGIN_SKIP_DOC,
                        "Loop prevention", 2, ConfigDef.Width.LONG, "Skip origins");
    }

    /** Cross-field checks shared by both connectors, added to the per-field results. */
    static void validate(Map<String, String> props, Map<String, ConfigValue> values) {
        boolean token = notBlank(props.get(TOKEN_CONFIG));
        boolean user = notBlank(props.get(USERNAME_CONFIG));
        if (token && user) {
            addError(values, TOKEN_CONFIG, "Invalid value [hidden] for configuration " + TOKEN_CONFIG
                    + ": a token cannot be combined with " + USERNAME_CONFIG + "; remove one of them");
        }
        if (notBlank(props.get(PASSWORD_CONFIG)) && !user) {
            addError(values, USERNAME_CONFIG, "Missing value for configuration " + USERNAME_CONFIG
                    + ": " + PASSWORD_CONFIG + " is set, so a user name is required");
        }
    }

    static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    static void addError(Map<String, ConfigValue> values, String name, String message) {
        ConfigValue v = values.computeIfAbsent(name, ConfigValue::new);
        v.addErrorMessage(message);
    }

    /** The configured bridge id, or the connector name. */
    static Origins origins(AbstractConfig config, Map<String, String> props) {
        String id = config.getString(BRIDGE_ID_CONFIG);
        if (id == null || id.isBlank()) {
            id = props.getOrDefault("name", "relaybus-bridge");
        }
        return new Origins(id, new java.util.HashSet<>(config.getList(ORIGIN_SKIP_CONFIG)));
    }

    /**
     * Connects, retrying in the background forever once connected (reconnects are the client's job).
     *
     * @throws RetriableException if the servers cannot be reached within the connection timeout
     */
    static Connection connect(AbstractConfig config, String connectionName) {
        Options.Builder b = Options.builder()
                .servers(config.getList(SERVERS_CONFIG).toArray(new String[0]))
                .connectionName(connectionName)
                .connectionTimeout(Duration.ofMillis(config.getLong(CONNECTION_TIMEOUT_CONFIG)))
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(500));
        Password token = config.getPassword(TOKEN_CONFIG);
        if (token != null) {
            b.token(token.value().toCharArray());
        }
        String user = config.getString(USERNAME_CONFIG);
        if (notBlank(user)) {
            Password password = config.getPassword(PASSWORD_CONFIG);
            b.userInfo(user.toCharArray(), password == null ? new char[0] : password.value().toCharArray());
        }
        Password seed = config.getPassword(NKEY_SEED_CONFIG);
        if (seed != null) {
            b.authHandler(nkeyAuth(seed.value().toCharArray()));
        }
        String creds = config.getString(CREDS_FILE_CONFIG);
        if (notBlank(creds)) {
            b.authHandler(Nats.credentials(creds));
        }
        try {
            return Nats.connect(b.build());
        } catch (IOException e) {
            throw new RetriableException("cannot connect to NATS " + config.getList(SERVERS_CONFIG) + ": " + e.getMessage()
                    + "; check " + SERVERS_CONFIG + " and that the servers are reachable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while connecting to NATS", e);
        }
    }

    private static AuthHandler nkeyAuth(char[] seed) {
        NKey key;
        try {
            key = NKey.fromSeed(seed);
        } catch (RuntimeException e) {
            throw new ConnectException("Invalid value [hidden] for configuration " + NKEY_SEED_CONFIG
                    + ": not an nkey seed (" + e.getMessage() + ")", e);
        }
        return new AuthHandler() {
            @Override
            public byte[] sign(byte[] nonce) {
                try {
                    return key.sign(nonce);
                } catch (GeneralSecurityException | IOException e) {
                    throw new IllegalStateException("cannot sign the NATS nonce with the nkey", e);
                }
            }

            @Override
            public char[] getID() {
                try {
                    return key.getPublicKey();
                } catch (GeneralSecurityException | IOException e) {
                    throw new IllegalStateException("cannot derive the nkey public key", e);
                }
            }

            @Override
            public char[] getJWT() {
                return null;
            }
        };
    }
}
