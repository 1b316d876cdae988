/**
 * JMH micro-benchmarks of the runtime's hot paths ({@code Batcher.add}, {@code KeyedDispatcher} offer → process),
 * compiled into {@code bus-bench.jar}: {@code java -cp bus-bench/target/bus-bench.jar org.openjdk.jmh.Main}.
 */
package io.relaybus.bench.jmh;
