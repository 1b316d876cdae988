package io.relaybus.bridge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Measurable;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.sink.SinkTaskContext;

/**
 * A task's metrics, registered through Kafka's plugin metrics ({@code context.pluginMetrics()}, Kafka 4.1+), so the
 * worker reports them with its own (JMX: {@code kafka.connect:type=plugins,connector=...,task=...}):
 *
 * <ul>
 *   <li>{@code records-mirrored-total}, {@code bytes-mirrored-total}: records the other side acknowledged, and
 *       their payload bytes;</li>
 *   <li>{@code ack-latency-avg-ms}, {@code ack-latency-max-ms}: sink only, from publish to JetStream's
 *       acknowledgement (30 s windows);</li>
 *   <li>{@code pending}: records taken from the source but not yet acknowledged by the other side;</li>
 *   <li>{@code reconnects-total}: reconnects of the task's NATS connection;</li>
 *   <li>{@code origin-skipped-total}: records not forwarded by loop prevention;</li>
 *   <li>{@code errors-total}: records that could not be mirrored (handled by {@code errors.tolerance}).</li>
 * </ul>
 * On a worker without plugin metrics nothing is registered and recording costs nothing. Thread safe.
 */
final class BridgeMetrics implements AutoCloseable {

    private final PluginMetrics plugin;
    private final List<MetricName> names = new ArrayList<>();
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong originSkipped = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private volatile LongSupplier pending = () -> 0;
    private volatile LongSupplier reconnects = () -> 0;
    private final Sensor ackLatency;

    private BridgeMetrics(PluginMetrics plugin, boolean sink) {
        this.plugin = plugin;
        if (plugin == null) {
            ackLatency = null;
            return;
        }
        gauge("records-mirrored-total", "Records mirrored and acknowledged by the other side", records::get);
        gauge("bytes-mirrored-total", "Payload bytes of the records mirrored", bytes::get);
        gauge("pending", "Records taken but not yet acknowledged by the other side", () -> pending.getAsLong());
        gauge("reconnects-total", "Reconnects of the task's NATS connection", () -> reconnects.getAsLong());
        gauge("origin-skipped-total", "Records not forwarded because a peer bridge wrote them (bridge.origin.skip)",
                originSkipped::get);
        gauge("errors-total", "Records that could not be mirrored (see errors.tolerance)", errors::get);
        if (sink) {
            ackLatency = plugin.addSensor("ack-latency");
            ackLatency.add(name("ack-latency-avg-ms", "Average time from publish to JetStream's acknowledgement"),
                    new Avg());
            ackLatency.add(name("ack-latency-max-ms", "Longest time from publish to JetStream's acknowledgement"),
                    new Max());
        } else {
            ackLatency = null;
        }
    }

    static BridgeMetrics source(SourceTaskContext context) {
        return new BridgeMetrics(pluginMetrics(() -> context.pluginMetrics()), false);
    }

    static BridgeMetrics sink(SinkTaskContext context) {
        return new BridgeMetrics(pluginMetrics(() -> context.pluginMetrics()), true);
    }

    private static PluginMetrics pluginMetrics(java.util.function.Supplier<PluginMetrics> get) {
        try {
            return get.get();
        } catch (LinkageError | UnsupportedOperationException e) {
            return null;   // a worker before Kafka 4.1
        }
    }

    private MetricName name(String name, String description) {
        MetricName n = plugin.metricName(name, description, new LinkedHashMap<>());
        names.add(n);
        return n;
    }

    private void gauge(String name, String description, LongSupplier value) {
        plugin.addMetric(name(name, description), (Measurable) (config, now) -> value.getAsLong());
    }

    /** The number of records pending, asked when the metric is read. */
    void pending(LongSupplier supplier) {
        pending = supplier;
    }

    /** The reconnect count, asked when the metric is read. */
    void reconnects(LongSupplier supplier) {
        reconnects = supplier;
    }

    void mirrored(long payloadBytes, long latencyNanos) {
        records.incrementAndGet();
        bytes.addAndGet(payloadBytes);
        if (ackLatency != null && latencyNanos >= 0) {
            ackLatency.record(TimeUnit.NANOSECONDS.toMicros(latencyNanos) / 1000.0);
        }
    }

    void mirrored(long payloadBytes) {
        mirrored(payloadBytes, -1);
    }

    void originSkipped() {
        originSkipped.incrementAndGet();
    }

    void error() {
        errors.incrementAndGet();
    }

    long errors() {
        return errors.get();
    }

    @Override
    public void close() {
        if (plugin == null) {
            return;
        }
        for (MetricName n : names) {
            try {
                plugin.removeMetric(n);
            } catch (RuntimeException e) {
                // already gone with the task's metrics group
            }
        }
        if (ackLatency != null) {
            try {
                plugin.removeSensor(ackLatency.name());
            } catch (RuntimeException e) {
                // already gone
            }
        }
    }
}
