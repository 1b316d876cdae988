package io.relaybus.nats;

import io.relaybus.nats.support.Names;

import io.nats.client.AuthHandler;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.relaybus.spi.config.Password;
import io.relaybus.spi.config.Validator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Checks of the authentication and server settings before anything connects, so that a value that can never work is
 * a configuration error naming the key, instead of a bare jnats message ("CRC is invalid") at connect time. The checks
 * decode what jnats would decode (the same jnats code), and their reasons never contain a secret: not the seed, not
 * the token, not the contents of a creds file, not the user information of a server URL. Stateless.
 */
final class CredentialChecks {

    private static final String SEED_RULE = "must be an nkey user seed: 58 characters starting with SU, as printed by "
            + "'nk -gen user' (for a user JWT as well, use " + NatsConfig.CREDS_FILE_CONFIG + " with a .creds file)";

    private CredentialChecks() {
    }

    /** {@code nats.nkey.seed}: decodes as a user seed. */
    static Validator seed() {
        return new Validator() {
            @Override
            public String check(Object value) {
                return userSeedProblem(((Password) value).value().trim());
            }

            @Override
            public String describe() {
                return "user seed SU...";
            }
        };
    }

    /** {@code nats.creds.file}: a readable file holding a user JWT and a user seed, as jnats reads it. */
    static Validator credsFile() {
        return new Validator() {
            @Override
            public String check(Object value) {
                String path = String.valueOf(value);
                if (path.isEmpty()) {
                    return "must not be empty";
                }
                Path file;
                try {
                    file = Paths.get(path);
                } catch (RuntimeException e) {
                    return "is not a valid path";
                }
                if (!Files.exists(file)) {
                    return "no such file; give the path of a .creds file (user JWT and nkey seed, as written by "
                            + "'nsc generate creds')";
                }
                if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                    return "is not a readable file; give the path of a .creds file this process may read";
                }
                AuthHandler creds = Nats.credentials(path);
                try {
                    char[] jwt = creds.getJWT();
                    if (jwt == null || jwt.length == 0 || new String(jwt).chars().filter(c -> c == '.').count() != 2) {
                        return notCreds();
                    }
                    char[] id = creds.getID();
                    if (id == null || id.length == 0 || id[0] != 'U') {
                        return notCreds();
                    }
                } catch (RuntimeException e) {
                    return notCreds();
                }
                return null;
            }

            @Override
            public String describe() {
                return "readable .creds file";
            }
        };
    }

    private static String notCreds() {
        return "does not hold a user JWT and a user nkey seed (-----BEGIN NATS USER JWT----- ... "
                + "-----BEGIN USER NKEY SEED----- ...); give a .creds file as written by 'nsc generate creds'";
    }

    /** {@code nats.token}: nothing that would break the CONNECT line. */
    static Validator token() {
        return new Validator() {
            @Override
            public String check(Object value) {
                String token = ((Password) value).value();
                if (token.isEmpty()) {
                    return "must not be empty";
                }
                for (int i = 0; i < token.length(); i++) {
                    char c = token.charAt(i);
                    if (c < 0x20 || c == 0x7f) {
                        return "must not contain control characters (line breaks, tabs)";
                    }
                }
                return null;
            }

            @Override
            public String describe() {
                return "non-empty";
            }
        };
    }

    /** Why {@code seed} is not an nkey user seed, or null when it is. */
    static String userSeedProblem(String seed) {
        if (!seed.startsWith("SU")) {
            return SEED_RULE;
        }
        try {
            NKey key = NKey.fromSeed(seed.toCharArray());
            return key.getType() == NKey.Type.USER ? null : SEED_RULE;
        } catch (IllegalArgumentException | IllegalStateException e) {
            // jnats's reason ("CRC is invalid") says nothing a user can act on; the rule does.
            return SEED_RULE + "; this one does not decode (a character is wrong or missing)";
        }
    }

    /**
     * Why jnats would refuse {@code url} as a server URL, or null when it takes it. The reason does not repeat the
     * URL (show it with {@link io.relaybus.spi.support.UrlCredentials#hide}).
     */
    static String serverProblem(String url) {
        try {
            new Options.Builder().servers(new String[] {url});
            return null;
        } catch (RuntimeException e) {
            // jnats's message repeats the URL, password included: not used.
            return "not a server URL; write nats://host:4222 (or tls://, ws://, wss://, opentls://) with any user "
                    + "information percent-encoded, or use " + NatsConfig.USER_CONFIG + " and "
                    + NatsConfig.PASSWORD_CONFIG;
        }
    }
}
