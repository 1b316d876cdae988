package io.relaybus.kafka;

import io.relaybus.embedded.BrokerHandle;
import io.relaybus.embedded.TestBrokers;
import io.relaybus.tck.Received;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/** The shared broker (embedded, or external from RELAYBUS_TEST_KAFKA_BOOTSTRAP) and small helpers for the tests. */
final class KafkaTestSupport {

    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private KafkaTestSupport() {
    }

    static BrokerHandle broker() {
        return TestBrokers.kafka();
    }

    static String bootstrap() {
        return broker().address();
    }

    /** A bus configuration against the shared broker, latency profile, plus {@code extra}. */
    static Map<String, Object> busConfig(Object... extra) {
        Map<String, Object> m = new HashMap<>();
        m.put("bus.transport", "kafka");
        m.put(KafkaConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        m.put(KafkaConfig.PROFILE_CONFIG, "latency");
        for (int i = 0; i < extra.length; i += 2) {
            m.put((String) extra[i], extra[i + 1]);
        }
        return m;
    }

    static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()));
    }

    static String unique(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A local port nothing listens on. */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Polls {@code condition} until it holds or the timeout passes. */
    static void await(String what, BooleanSupplier condition) {
        await(TIMEOUT, what, condition);
    }

    static void await(Duration timeout, String what, BooleanSupplier condition) {
        Received.await(timeout, what, condition);
    }

    /** For a failure's diagnosis: the stacks of the transport's and runtime's threads. */
    static void printRelaybusThreads() {
        Thread.getAllStackTraces().forEach((t, stack) -> {
            if (t.getName().startsWith("relaybus") || t.getName().startsWith("consumer_")) {
                System.out.println("thread " + t.getName() + " " + t.getState());
                for (StackTraceElement e : stack) {
                    System.out.println("    at " + e);
                }
            }
        });
    }
}
