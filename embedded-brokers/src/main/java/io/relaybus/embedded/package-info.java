/**
 * Real brokers for tests and the benchmark, started without Docker on free loopback ports (never 9092 or 4222).
 *
 * <ul>
 *   <li>{@link io.relaybus.embedded.EmbeddedKafka}: a single-node KRaft Kafka broker in a forked JVM, using the
 *       {@code kafka_2.13} jars already on the class path.</li>
 *   <li>{@link io.relaybus.embedded.EmbeddedNats}: a {@code nats-server} child process with JetStream
 *       (Debian's {@code nats-server} package, or {@code $NATS_SERVER_BIN}).</li>
 *   <li>{@link io.relaybus.embedded.EmbeddedKafkaCluster}: a KRaft cluster of 3 (or n) such brokers, each also a
 *       controller, with kill and restart of one node and the current partition leader and controller;</li>
 *   <li>{@link io.relaybus.embedded.EmbeddedNatsCluster}: a cluster of 3 (or n) {@code nats-server}s with JetStream
 *       (routes, server names, HTTP monitoring), with kill and restart of one node and the current stream and meta
 *       leader.</li>
 *   <li>{@link io.relaybus.embedded.EmbeddedConnect}: a Kafka Connect distributed worker in a forked JVM that loads
 *       connector plugins from a plugin archive through {@code plugin.path}, with a class path that does not hold
 *       the plugin's own jars; {@link io.relaybus.embedded.ConnectRest} talks to it (or to any Connect cluster).</li>
 *   <li>{@link io.relaybus.embedded.TestBrokers}: one shared broker of each kind per JVM, or an external one named by
 *       {@code RELAYBUS_TEST_KAFKA_BOOTSTRAP} / {@code RELAYBUS_TEST_NATS_URL}, behind the
 *       {@link io.relaybus.embedded.BrokerHandle} interface.</li>
 * </ul>
 *
 * <p>Whoever creates an {@code EmbeddedKafka}/{@code EmbeddedNats} owns it and closes it; the shared ones from
 * {@code TestBrokers} are owned by that class and go away with the JVM. All classes are thread-safe. Each broker
 * writes its output to a log file in its own temp directory, and start-up failures quote the tail of that log.
 */
package io.relaybus.embedded;
