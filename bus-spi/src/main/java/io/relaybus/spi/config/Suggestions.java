package io.relaybus.spi.config;

import java.util.Collection;

/**
 * "Did you mean" for configuration keys: the known name closest to a misspelt one by Levenshtein distance (one edit
 * is inserting, deleting or replacing a character). Stateless; thread safe.
 */
public final class Suggestions {

    private Suggestions() {
    }

    /**
     * The first of {@code candidates} at the smallest edit distance from {@code given}, when that distance is at most
     * {@code maxEdits}; null when none is that close.
     */
    public static String closest(String given, Collection<String> candidates, int maxEdits) {
        String best = null;
        int bestDistance = maxEdits + 1;
        for (String c : candidates) {
            int d = distance(given, c, bestDistance);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance, or {@code limit} as soon as it is certain to reach it. */
    static int distance(String a, String b, int limit) {
        if (Math.abs(a.length() - b.length()) >= limit) {
            return limit;
        }
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            int rowMin = cur[0];
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
                rowMin = Math.min(rowMin, cur[j]);
            }
            if (rowMin >= limit) {
                return limit;
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return Math.min(prev[b.length()], limit);
    }
}
