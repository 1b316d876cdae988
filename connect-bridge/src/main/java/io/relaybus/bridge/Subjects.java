package io.relaybus.bridge;

import io.relaybus.nats.support.Names;

/** NATS subject syntax: tokens separated by '.', wildcards {@code *} (one token) and {@code >} (the rest). */
final class Subjects {

    private Subjects() {
    }

    /** The tokens of a subject ({@code a.b.c} has 3). */
    static String[] tokens(String subject) {
        return subject.split("\\.", -1);
    }

    /**
     * A reason why {@code filter} is not a subject filter to subscribe to, or null: the transport's subject rules
     * ({@link Names#subjectProblem}), except that a token may be the wildcard {@code *}, and the last one {@code >}.
     */
    static String filterProblem(String filter) {
        if (filter == null || filter.isEmpty()) {
            return "a subject must not be empty";
        }
        String[] tokens = tokens(filter);
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i].equals(">") && i != tokens.length - 1) {
                return "subject '" + filter + "': '>' must be the last token";
            }
            boolean wildcard = tokens[i].equals("*") || tokens[i].equals(">");
            literal.append(i == 0 ? "" : ".").append(wildcard ? "x" : tokens[i]);
        }
        String problem = Names.subjectProblem(literal.toString());
        return problem == null ? null : "subject '" + filter + "' " + problem;
    }

    /**
     * The fewest tokens a subject matching {@code filter} has, and whether it may have more ({@code >}).
     * {@code orders.*} matches exactly 2 tokens, {@code orders.>} 2 or more.
     */
    static int minDepth(String filter) {
        return tokens(filter).length;
    }

    static boolean openEnded(String filter) {
        return filter.endsWith(">");
    }

    /** A name usable as a JetStream durable / consumer name (no '.', '*', '>' or whitespace). */
    static String durableSafe(String subject) {
        StringBuilder out = new StringBuilder(subject.length());
        for (char c : subject.toCharArray()) {
            switch (c) {
                case '.' -> out.append('_');
                case '*' -> out.append("STAR");
                case '>' -> out.append("GT");
                default -> out.append(Character.isLetterOrDigit(c) || c == '-' || c == '_' ? c : '_');
            }
        }
        return out.toString();
    }
}
