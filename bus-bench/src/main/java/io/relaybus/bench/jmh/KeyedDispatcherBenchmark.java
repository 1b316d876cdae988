package io.relaybus.bench.jmh;

import io.relaybus.runtime.KeyedDispatcher;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@link KeyedDispatcher}: offer → process, at steady state. Each invocation offers one item and, when the chosen
 * queue is full, waits in {@code awaitCapacity} as a transport's intake does, so the score is the rate at which
 * items really pass through the workers (backpressure included), not the rate of a non-blocking enqueue.
 * {@code feederWork} is CPU work of the offering thread between two items (JMH tokens, roughly 3 ns each): with it the
 * workers are faster than their feeder, as behind a transport's poll thread that decodes each record, and the score
 * shows what waking a worker that fell asleep on its empty queue costs the feeder.
 *
 * <p>Run: {@code java -cp bus-bench/target/bus-bench.jar org.openjdk.jmh.Main KeyedDispatcherBenchmark}
 */
public class KeyedDispatcherBenchmark extends MicroBenchmark {

    /** Item: a key (or null) and a payload. */
    record Item(String key, long value) {
    }

    @Param({"1", "2"})
    public int workers;

    @Param({"true", "false"})
    public boolean keyed;

    @Param({"256"})
    public int queueCapacity;

    @Param({"0", "100"})
    public int feederWork;

    private KeyedDispatcher<Item> dispatcher;
    private final LongAdder processed = new LongAdder();
    private Item[] items;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        dispatcher = new KeyedDispatcher<>("jmh", workers, queueCapacity, keyed, Item::key,
                item -> processed.add(item.value()));
        items = new Item[1024];
        for (int i = 0; i < items.length; i++) {
            items[i] = new Item(keyed ? "key-" + (i % 64) : null, 1);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        dispatcher.drain(Duration.ofSeconds(10));
    }

    @Benchmark
    public boolean offerAndProcess() throws InterruptedException {
        Item item = items[next++ & (items.length - 1)];
        while (!dispatcher.offer(item)) {
            // Timed wait: the dispatcher only signals room after a refusal it saw; the timeout bounds a missed one.
            dispatcher.awaitCapacity(1, TimeUnit.MILLISECONDS);
        }
        if (feederWork > 0) {
            Blackhole.consumeCPU(feederWork);
        }
        return true;
    }
}
