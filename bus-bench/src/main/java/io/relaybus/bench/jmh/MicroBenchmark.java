package io.relaybus.bench.jmh;

import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The run settings every micro-benchmark of this package shares: one benchmark-wide state, throughput in operations
 * per microsecond, 3 warm-up and 5 measured iterations of one second, one fork. JMH's annotations are inherited, so a
 * subclass states only what it does differently (an annotation on the subclass replaces the one here); the command
 * line ({@code -wi}, {@code -i}, {@code -f}, ...) still overrides both.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public abstract class MicroBenchmark {
}
