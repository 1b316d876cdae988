package io.relaybus.nats;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Subjects the server refused this connection to publish to. A refused publish gets no reply from NATS, only an
 * asynchronous {@code -ERR 'Permissions Violation for Publish to "subject"'}: without this, a JetStream publish to
 * such a subject would wait for its acknowledgement until the publish timeout and then look retriable. Fed by the
 * connection's error listener; publishers listen ({@link #onDenied}) and ask ({@link #denied}). Thread safe; the set
 * is bounded (subjects are few).
 */
final class PublishPermissions {

    private static final Pattern VIOLATION =
            Pattern.compile("Permissions Violation for Publish to \"?([^\"\\s]+)\"?", Pattern.CASE_INSENSITIVE);
    private static final int MAX_REMEMBERED = 10_000;

    private final Set<String> denied = ConcurrentHashMap.newKeySet();
    private final CopyOnWriteArrayList<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    /** Takes a server error; returns whether it was a publish permission violation. */
    boolean serverError(String error) {
        Matcher m = VIOLATION.matcher(String.valueOf(error));
        if (!m.find()) {
            return false;
        }
        String subject = m.group(1);
        if (denied.size() < MAX_REMEMBERED) {
            denied.add(subject);
        }
        for (Consumer<String> l : listeners) {
            l.accept(subject);
        }
        return true;
    }

    /** Whether the server refused a publish to {@code subject} on this connection. */
    boolean denied(String subject) {
        return denied.contains(subject);
    }

    /** Calls {@code listener} with each subject the server refuses from now on (on jnats's callback thread). */
    void onDenied(Consumer<String> listener) {
        listeners.add(listener);
    }

    /** For messages: what to grant. */
    static String advice(String subject) {
        return "the server refused this user to publish to '" + subject + "' (Permissions Violation); grant it "
                + "publish permission for that subject";
    }
}
