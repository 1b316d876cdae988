package io.relaybus.bridge;

/** NATS subject syntax: tokens separated by '.', wildcards {@code *} (one token) and {@code >} (the rest). */
final class Subjects {

    private Subjects() {
    }

    /** The tokens of a subject ({@code a.b.c} has 3). */
    static String[] tokens(String subject) {
        return subject.split("\\.", -1);
    }

    /** A reason why {@code subject} is not a valid subject (filter if {@code wildcards}), or null if it is. */
    static String problem(String subject, boolean wildcards) {
        if (subject == null || subject.isEmpty()) {
            return "a subject must not be empty";
        }
        String[] tokens = tokens(subject);
        for (int i = 0; i < tokens.length; i++) {
            String t = tokens[i];
            if (t.isEmpty()) {
                return "subject '" + subject + "' has an empty token (leading, trailing or doubled '.')";
            }
            for (int k = 0; k < t.length(); k++) {
                if (Character.isWhitespace(t.charAt(k))) {
                    return "subject '" + subject + "' contains whitespace";
                }
            }
            boolean wildcard = t.equals("*") || t.equals(">");
            if (wildcard && !wildcards) {
                return "subject '" + subject + "' contains the wildcard '" + t + "'; publish subjects must be literal";
            }
            if (t.equals(">") && i != tokens.length - 1) {
                return "subject '" + subject + "': '>' must be the last token";
            }
        }
        return null;
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
