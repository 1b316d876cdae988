package io.relaybus.bench.jmh;

import io.relaybus.spi.support.Batcher;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import java.time.Duration;

/**
 * {@link Batcher#add}: the cost per item of the batching every publish goes through, with the flusher doing nothing
 * but consuming the batch. With {@code maxCount=100} a batch is handed on every 100th add (on the adding thread), so
 * the figure includes the amortised hand-off; the linger timer is armed once per batch when linger is not zero.
 *
 * <p>Run: {@code java -cp bus-bench/target/bus-bench.jar org.openjdk.jmh.Main BatcherBenchmark}
 */
public class BatcherBenchmark extends MicroBenchmark {

    @Param({"0", "10"})
    public int lingerMs;

    @Param({"100"})
    public int maxCount;

    private Batcher<byte[]> batcher;
    private final byte[] item = new byte[1024];
    private Blackhole sink;

    @Setup(Level.Trial)
    public void setUp(Blackhole blackhole) {
        this.sink = blackhole;
        batcher = new Batcher<>("jmh", maxCount, 100 * 1024, Duration.ofMillis(lingerMs), b -> b.length,
                batch -> sink.consume(batch.size()));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        batcher.close();
    }

    @Benchmark
    public void add() {
        batcher.add(item);
    }
}
