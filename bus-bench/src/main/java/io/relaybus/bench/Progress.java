package io.relaybus.bench;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on stderr, redrawn in place with a carriage return. Not thread safe: only the sampler
 * thread of a run draws. Disabled, it prints nothing (for --no-progress and for output that is not a terminal log).
 */
final class Progress {

    private static final int WIDTH = 30;

    private final PrintStream err;
    private final boolean enabled;
    private int lastLength;

    Progress(PrintStream err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    void draw(String label, long acked, long handled, long total, double handledPerSecond) {
        if (!enabled) {
            return;
        }
        double fraction = total == 0 ? 1 : Math.min(1.0, (double) handled / total);
        int filled = (int) Math.round(fraction * WIDTH);
        String line = String.format(Locale.ROOT, "%-14s [%s%s] %5.1f%%  acked %,d  handled %,d / %,d  %,.0f/s",
                label, "#".repeat(filled), ".".repeat(WIDTH - filled), fraction * 100, acked, handled, total,
                handledPerSecond);
        redraw(line);
    }

    void message(String text) {
        if (enabled) {
            redraw(text);
        }
    }

    /** Replaces the line drawn last with {@code line}, blanking what a longer one left behind. */
    private void redraw(String line) {
        String pad = line.length() < lastLength ? " ".repeat(lastLength - line.length()) : "";
        err.print("\r" + line + pad);
        err.flush();
        lastLength = line.length();
    }

    void done() {
        if (enabled && lastLength > 0) {
            err.println();
            lastLength = 0;
        }
    }
}
