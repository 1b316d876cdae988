package io.relaybus.spi.support;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides the user information of URLs ({@code nats://user:password@host}) in text meant for logs, exception messages
 * and reports: transports use it for their server lists and the errors their clients raise, tools for command lines.
 * Stateless.
 */
public final class UrlCredentials {

    /** What stands in for the hidden user information. */
    public static final String HIDDEN = "[hidden]";

    /**
     * A URL's scheme and user information, up to the last {@code @} before white space, a comma or the end of a
     * bracketed list: passwords typed without percent-encoding may contain {@code / @ :}.
     */
    private static final Pattern USER_INFO =
            Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^\\s,]*@(?=[^\\s,@]*(?:[\\s,]|$))");

    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://");

    private UrlCredentials() {
    }

    /**
     * A value that is a URL, or a comma-separated list of them, with the user information of each replaced by
     * {@value #HIDDEN}: everything from the scheme to the last {@code @} before the next scheme, so a password typed
     * without percent-encoding may hold any character, white space and commas included. Without a scheme, everything
     * up to the last {@code @} ({@code user:password@host:4222}). For free text, where a later {@code @} may be an
     * e-mail address, use {@link #hideAll}. Null stays null.
     */
    public static String hide(String urls) {
        if (urls == null) {
            return null;
        }
        Matcher m = SCHEME.matcher(urls);
        StringBuilder out = new StringBuilder(urls.length());
        int copied = 0;
        int from = 0;
        boolean any = m.find();
        while (true) {
            if (any) {
                from = m.end();
            }
            int to = (any = m.find()) ? m.start() : urls.length();
            int at = urls.lastIndexOf('@', to - 1);
            if (at >= from) {
                out.append(urls, copied, from).append(HIDDEN).append('@');
                copied = at + 1;
            }
            if (!any) {
                break;
            }
        }
        return out.append(urls, copied, urls.length()).toString();
    }

    /** {@code text} with the user information of every URL in it replaced by {@value #HIDDEN}; null stays null. */
    public static String hideAll(String text) {
        return text == null ? null : USER_INFO.matcher(text).replaceAll("$1" + HIDDEN + "@");
    }

    /**
     * {@code error} fit to be kept as a cause or printed: when its message (or a cause's) holds a URL with credentials,
     * a copy with them hidden and the same stack trace; otherwise itself.
     */
    public static Throwable hidden(Throwable error) {
        if (error == null) {
            return null;
        }
        String message = error.getMessage();
        String clean = hideAll(message);
        Throwable cause = error.getCause() == error ? null : error.getCause();
        Throwable cleanCause = hidden(cause);
        if (Objects.equals(message, clean) && cleanCause == cause) {
            return error;
        }
        Throwable copy = new java.io.IOException(error.getClass().getName() + ": " + clean, cleanCause);
        copy.setStackTrace(error.getStackTrace());
        return copy;
    }
}
