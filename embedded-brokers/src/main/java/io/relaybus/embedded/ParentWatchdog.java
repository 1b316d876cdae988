package io.relaybus.embedded;

import java.io.IOException;
import java.io.InputStream;

/**
 * For the main classes of the forked broker and worker JVMs: exits when the JVM that started this one is gone.
 *
 * <p>The parent holds the write end of this process's stdin and never writes. End of file therefore means the
 * parent closed it (a normal stop: {@code Process.destroy()} closes the pipe while it sends SIGTERM) or died (even by
 * SIGKILL, when no shutdown hook of the parent runs). Either way this JVM exits, so that no broker or worker outlives
 * the test or benchmark that started it; if its shutdown takes longer than 25 s (below the parents' 30 s grace
 * period) it halts.
 */
final class ParentWatchdog {

    private ParentWatchdog() {
    }

    /** Starts the watchdog thread; {@code what} names the process in the message it prints when it stops it. */
    static void start(String what) {
        Thread watchdog = new Thread(() -> {
            InputStream in = System.in;
            byte[] buffer = new byte[64];
            try {
                while (in.read(buffer) >= 0) {
                    // the parent never writes; just wait for end of file
                }
            } catch (IOException ignored) {
                // treat like end of file
            }
            System.err.println("[relaybus] stdin closed (stopped by its parent, or the parent JVM is gone): "
                    + "stopping the " + what);
            Thread halter = new Thread(() -> {
                try {
                    Thread.sleep(25_000);
                } catch (InterruptedException ignored) {
                    // halt now
                }
                Runtime.getRuntime().halt(1);
            }, "relaybus-halt");
            halter.setDaemon(true);
            halter.start();
            System.exit(0);
        }, "relaybus-parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }
}
