package io.relaybus.bench;

import io.relaybus.spi.support.UrlCredentials;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of what the bench prints and writes (console, JSON and HTML reports): the user information of
 * every URL ({@code nats://user:password@host}), and the value of any setting whose name says it is a secret
 * (password, token, JAAS config, key material, ...), wherever it came from.
 */
final class Redact {

    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(password|passwd|secret|token|jaas|credential|creds|nkey|jwt|seed|private|api[._-]?key).*"
                    + "|(?i).*\\.key");
    /** Flags whose value is {@code KEY=VALUE}. */
    private static final Set<String> PROPERTY_FLAGS = Set.of("--bus-property", "--connector-property");

    private Redact() {
    }

    /** Whether a setting named {@code name} holds a secret. */
    static boolean secretName(String name) {
        return SECRET_NAME.matcher(name).matches();
    }

    /** {@code value} fit to print as the value of setting {@code name}. */
    static String value(String name, Object value) {
        return secretName(name) ? UrlCredentials.HIDDEN : arg(String.valueOf(value));
    }

    /**
     * A command-line argument or a setting's value: when it holds a URL (or a list of them), with the user information
     * of each hidden whatever the password holds ({@link UrlCredentials#hide}); any other value as it is.
     */
    static String arg(String value) {
        return value != null && value.contains("://") ? UrlCredentials.hide(value) : value;
    }

    /** Free {@code text} (a message) with the user information of every URL in it hidden. */
    static String text(String text) {
        return UrlCredentials.hideAll(text);
    }

    /** The command line, space-separated, fit for a report. */
    static String commandLine(String[] args) {
        List<String> shown = new ArrayList<>(args.length);
        boolean propertyNext = false;
        for (String arg : args) {
            if (propertyNext) {
                shown.add(property(arg));
                propertyNext = false;
                continue;
            }
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0 && PROPERTY_FLAGS.contains(arg.substring(0, eq))) {
                shown.add(arg.substring(0, eq + 1) + property(arg.substring(eq + 1)));
                continue;
            }
            propertyNext = PROPERTY_FLAGS.contains(arg);
            shown.add(arg(arg));
        }
        return String.join(" ", shown);
    }

    private static String property(String keyValue) {
        int eq = keyValue.indexOf('=');
        if (eq < 0) {
            return arg(keyValue);
        }
        String key = keyValue.substring(0, eq);
        return key + "=" + value(key, keyValue.substring(eq + 1));
    }
}
