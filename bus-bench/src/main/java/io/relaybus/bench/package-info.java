/**
 * bus-bench: measures the bus end to end over a transport, with the raw client doing the same work in the same
 * run, so the bus's own cost is visible as a ratio. Entry point {@link io.relaybus.bench.BenchMain}; the JMH
 * micro-benchmarks of the runtime and helpers are in {@code io.relaybus.bench.jmh}. {@code --transport bridge} measures the
 * Kafka Connect bridge's mirroring in a forked Connect worker against a raw-client mirror ({@link
 * io.relaybus.bench.BridgeRun}).
 *
 * <p>What is counted: publishes the broker acknowledged and events a subscriber handled, never publishes merely
 * queued; latencies from the send time carried in each event (the intended send time at a fixed rate).
 */
package io.relaybus.bench;
