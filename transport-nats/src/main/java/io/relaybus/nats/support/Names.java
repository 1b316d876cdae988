package io.relaybus.nats.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Subject checks, stream and consumer name sanitising, and the removal of user information from server URLs in
 * messages, shared by the NATS transport and the Connect bridge. Stateless.
 */
public final class Names {

    /** Stream and consumer names end up as directory names on the server; keep them well below file-name limits. */
    private static final int MAX_NAME = 64;

    private Names() {
    }

    /**
     * A stream or consumer name from free text: {@code . * > / \}, whitespace and control characters become
     * {@code _}. Names longer than 64 characters keep their first 55 characters plus a hash of the whole, so two
     * long names stay distinct.
     */
    public static String sanitize(String raw) {
        StringBuilder sb = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            sb.append(forbidden(c) ? '_' : c);
        }
        String s = sb.toString();
        if (s.length() <= MAX_NAME) {
            return s;
        }
        return s.substring(0, MAX_NAME - 9) + "_" + hash(raw).substring(0, 8);
    }

    /**
     * Why {@code name} cannot be a JetStream stream or consumer name, or null when it can: it is empty, or holds
     * {@code . * > / \}, white space or a control character. Length is not checked: the server accepts long names, and
     * {@link #sanitize} shortens the names this library derives.
     */
    public static String nameProblem(String name) {
        if (name.isEmpty()) {
            return "empty";
        }
        for (int i = 0; i < name.length(); i++) {
            if (forbidden(name.charAt(i))) {
                return "a stream or consumer name cannot contain . * > / \\ white space or control characters";
            }
        }
        return null;
    }

    private static boolean forbidden(char c) {
        return c == '.' || c == '*' || c == '>' || c == '/' || c == '\\' || Character.isWhitespace(c) || c < 0x20
                || c == 0x7f;
    }

    private static String hash(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Why {@code subject} cannot be a literal NATS subject to publish to, or null when it can: no empty tokens, no
     * wildcards ({@code *}, {@code >}), no whitespace.
     */
    public static String subjectProblem(String subject) {
        if (subject.isEmpty()) {
            return "empty";
        }
        for (int i = 0; i < subject.length(); i++) {
            char c = subject.charAt(i);
            if (Character.isWhitespace(c) || c < 0x20 || c == 0x7f) {
                return "contains whitespace or a control character";
            }
        }
        for (String token : subject.split("\\.", -1)) {
            if (token.isEmpty()) {
                return "has an empty token (leading, trailing or doubled '.')";
            }
            if (token.equals("*") || token.equals(">")) {
                return "contains the wildcard token '" + token + "'";
            }
        }
        return null;
    }
}
