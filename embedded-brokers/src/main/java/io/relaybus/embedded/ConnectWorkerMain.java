package io.relaybus.embedded;

import java.lang.reflect.InvocationTargetException;

/**
 * Main class of the forked Connect worker JVM started by {@link EmbeddedConnect} (not for direct use).
 *
 * <p>Arguments: {@code <worker.properties>}. It starts a daemon thread that exits the JVM when standard input
 * reaches end of file, i.e. when the parent JVM is gone (even after {@code kill -9}, when shutdown hooks cannot run),
 * so no worker outlives the test or benchmark that started it; then it runs
 * {@code org.apache.kafka.connect.cli.ConnectDistributed <worker.properties>}.
 *
 * <p>ConnectDistributed is called reflectively so that this module does not depend on {@code connect-runtime}:
 * only the worker's class path needs it, and the transports' tests, which also use this module, never pull it in.
 */
final class ConnectWorkerMain {

    static final String CONNECT_MAIN = "org.apache.kafka.connect.cli.ConnectDistributed";

    private ConnectWorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: ConnectWorkerMain <worker.properties>");
            System.exit(2);
        }
        ParentWatchdog.start("Connect worker");
        Class<?> main;
        try {
            main = Class.forName(CONNECT_MAIN);
        } catch (ClassNotFoundException e) {
            System.err.println("[relaybus] " + CONNECT_MAIN + " is not on the worker's class path: add "
                    + "org.apache.kafka:connect-runtime (and its dependencies) to it");
            System.exit(2);
            return;
        }
        try {
            main.getMethod("main", String[].class).invoke(null, (Object) new String[] {args[0]});
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
