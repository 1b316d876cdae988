package io.relaybus.bridge;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps the subject a NATS message was really published on (never the configured wildcard) to a Kafka topic.
 *
 * <ul>
 *   <li>Template: {@code {subject}} is the whole subject, {@code {1}}..{@code {n}} its tokens (1-based), e.g.
 *       {@code nats.{1}.{2}} maps {@code orders.eu.created} to {@code nats.orders.eu}.</li>
 *   <li>Regex rename: if a regex is configured and matches the whole subject, the topic is
 *       {@code subject.replaceFirst(regex, replacement)} ({@code $1} group references); otherwise the template is
 *       used.</li>
 * </ul>
 * Characters Kafka does not allow in topic names (anything but {@code [a-zA-Z0-9._-]}) become {@code _}.
 *
 * <p>{@code regex} is null when no rename is configured; {@code replacement} is used only with a regex. Immutable
 * and thread safe.
 */
record TopicMapper(Template template, Pattern regex, String replacement) {

    String topicFor(String subject) {
        if (regex != null) {
            Matcher m = regex.matcher(subject);
            if (m.matches()) {
                return sanitize(m.replaceFirst(replacement));
            }
        }
        String[] tokens = Subjects.tokens(subject);
        return sanitize(template.render(name -> resolve(name, subject, tokens)));
    }

    private static String resolve(String name, String subject, String[] tokens) {
        if (name.equals("subject")) {
            return subject;
        }
        int index = tokenIndex(name);
        if (index < 1 || index > tokens.length) {
            // validate() rejects templates that can reach past the subject depth; a '>' filter can still match a
            // shorter-than-referenced subject only if misconfigured, so fail loudly rather than invent a topic.
            throw new IllegalArgumentException("topic template {" + name + "} refers to token " + index
                    + " but subject '" + subject + "' has " + tokens.length + " tokens");
        }
        return tokens[index - 1];
    }

    /** The 1-based token index of a placeholder such as {@code {2}}, or -1 if it is not a number. */
    static int tokenIndex(String placeholder) {
        try {
            return Integer.parseInt(placeholder);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A reason why {@code placeholder} is not allowed in a topic template, or null. */
    static String placeholderProblem(String placeholder) {
        if (placeholder.equals("subject") || tokenIndex(placeholder) >= 1) {
            return null;
        }
        return "unknown placeholder {" + placeholder + "}: use {subject} or a 1-based token number such as {1}";
    }

    static String sanitize(String topic) {
        StringBuilder out = new StringBuilder(topic.length());
        for (char c : topic.toCharArray()) {
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            out.append(ok ? c : '_');
        }
        return out.toString();
    }
}
