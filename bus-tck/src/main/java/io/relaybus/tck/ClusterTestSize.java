package io.relaybus.tck;

import java.time.Duration;

/**
 * How big the cluster failover runs are: {@value #DEFAULT_EVENTS} events over 45 s by default (fit for a shared
 * 2-core CI machine); {@code -Drelaybus.cluster.events=100000} or {@code RELAYBUS_CLUSTER_EVENTS=100000} for the full
 * size, published over {@code relaybus.cluster.publish.seconds} (default 45, or events / 1,500 when that is longer).
 * Shared by the transports' {@link FailoverScenario} suites. Stateless.
 */
public final class ClusterTestSize {

    public static final int DEFAULT_EVENTS = 6_000;

    private ClusterTestSize() {
    }

    public static int events() {
        String value = System.getProperty("relaybus.cluster.events", System.getenv("RELAYBUS_CLUSTER_EVENTS"));
        return value == null || value.isBlank() ? DEFAULT_EVENTS : Integer.parseInt(value.trim());
    }

    public static Duration publishTime() {
        String value = System.getProperty("relaybus.cluster.publish.seconds");
        long seconds = value == null || value.isBlank() ? Math.max(45, events() / 1_500) : Long.parseLong(value.trim());
        return Duration.ofSeconds(seconds);
    }
}
