package io.relaybus.embedded;

/**
 * Main class of the forked broker JVM started by {@link EmbeddedKafka} (not for direct use).
 *
 * <p>Arguments: {@code <server.properties> [--format <clusterId>]}. It
 * <ol>
 *   <li>starts a daemon thread that reads standard input and exits the JVM (gracefully, halting after 25 s) when it
 *       reaches end of file, i.e. when the parent JVM is gone (even after {@code kill -9}, when shutdown hooks
 *       cannot run), so no broker outlives the test JVM;</li>
 *   <li>with {@code --format}, formats the KRaft storage in the same JVM ({@code kafka.tools.StorageTool format
 *       --config <file> --cluster-id <id> --ignore-formatted}, which saves a JVM start);</li>
 *   <li>runs {@code kafka.Kafka <server.properties>}, which blocks until the broker shuts down.</li>
 * </ol>
 */
final class KafkaBrokerMain {

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1 && !(args.length == 3 && "--format".equals(args[1]))) {
            System.err.println("usage: KafkaBrokerMain <server.properties> [--format <clusterId>]");
            System.exit(2);
        }
        ParentWatchdog.start("Kafka broker");
        String config = args[0];
        if (args.length == 3) {
            int rc = kafka.tools.StorageTool.execute(
                    new String[] {"format", "--config", config, "--cluster-id", args[2], "--ignore-formatted"},
                    System.out);
            if (rc != 0) {
                System.err.println("[relaybus] kafka-storage format failed with exit code " + rc);
                System.exit(rc);
            }
        }
        kafka.Kafka.main(new String[] {config});
    }
}
