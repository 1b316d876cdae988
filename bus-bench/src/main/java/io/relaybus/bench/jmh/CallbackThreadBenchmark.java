package io.relaybus.bench.jmh;

import io.relaybus.spi.support.CallbackThread;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link CallbackThread}: handing a completion over from a client's I/O thread, as the Kafka and NATS transports do for
 * every acknowledged publish. {@code feederWork} is CPU work of the handing thread between two hand-overs (JMH tokens,
 * roughly 3 ns each), as the Kafka producer's network thread does between the records of one produce response: the
 * callback thread then keeps emptying its queue, and the score shows what waking it costs the I/O thread.
 *
 * <p>Run: {@code java -cp bus-bench/target/bus-bench.jar org.openjdk.jmh.Main CallbackThreadBenchmark}
 */
public class CallbackThreadBenchmark extends MicroBenchmark {

    @Param({"0", "100"})
    public int feederWork;

    private CallbackThread thread;
    private final AtomicLong ran = new AtomicLong();
    private long handed;
    private Runnable task;

    @Setup(Level.Trial)
    public void setUp() {
        thread = new CallbackThread("jmh-callbacks");
        task = ran::incrementAndGet;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        thread.close();
    }

    @Benchmark
    public void handOver() {
        // A bound on what is queued, as a client's window of unacknowledged requests gives: the queue is unbounded.
        while (handed - ran.get() > 1024) {
            Thread.onSpinWait();
        }
        handed++;
        thread.execute(task);
        if (feederWork > 0) {
            Blackhole.consumeCPU(feederWork);
        }
    }
}
