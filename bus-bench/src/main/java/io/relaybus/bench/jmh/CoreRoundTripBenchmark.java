package io.relaybus.bench.jmh;

import io.relaybus.api.BatchOptions;
import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.StartPosition;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;
import io.relaybus.api.interceptor.EventInterceptor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The shared core end to end on the memory transport: publish → log → pull thread → dispatcher → processor → handler,
 * at most {@code WINDOW} events published and not handled yet (the handler releases a permit). {@code path}:
 *
 * <ul>
 *   <li>{@code bus}: {@code subscribe}, no interceptor (the default, what most applications run);</li>
 *   <li>{@code bus-interceptor}: the same with one interceptor that implements no hook, to show what a registered
 *       interceptor costs (no interceptor registered must cost nothing);</li>
 *   <li>{@code bus-batch}: {@code subscribeBatch} of up to 64 events, no linger;</li>
 *   <li>{@code raw}: the bench's raw baseline, an {@link ArrayBlockingQueue} hand-off to one thread.</li>
 * </ul>
 *
 * <p>Every path takes the same pre-built payload, so {@code -prof gc}'s {@code gc.alloc.rate.norm} (allocation of
 * every thread of the JVM, per published event) is what the path itself allocates per event.
 *
 * <p>Run: {@code java -cp bus-bench/target/bus-bench.jar org.openjdk.jmh.Main CoreRoundTrip -prof gc}
 */
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class CoreRoundTripBenchmark extends MicroBenchmark {

    private static final int WINDOW = 1000;
    private static final byte[] POISON = new byte[0];

    @Param({"bus", "bus-interceptor", "bus-batch", "raw"})
    public String path;

    private final byte[] payload = new byte[1024];
    private final Semaphore window = new Semaphore(WINDOW);
    private final String topic = "jmh-" + UUID.randomUUID();
    private EventBus bus;
    private Subscription subscription;
    private ArrayBlockingQueue<byte[]> queue;
    private Thread consumer;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        if (path.equals("raw")) {
            queue = new ArrayBlockingQueue<>(WINDOW);
            consumer = new Thread(() -> {
                try {
                    for (byte[] p = queue.take(); p != POISON; p = queue.take()) {
                        window.release();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "jmh-queue-consumer");
            consumer.setDaemon(true);
            consumer.start();
            return;
        }
        var builder = EventBus.builder().transport("memory").property("memory.broker", topic)
                .property("memory.retention.events", 100_000);
        if (path.equals("bus-interceptor")) {
            builder.interceptor(new EventInterceptor() {
            });
        }
        bus = builder.build();
        SubscribeOptions options = SubscribeOptions.builder(topic).group("jmh").startFrom(StartPosition.EARLIEST)
                .build();
        subscription = path.equals("bus-batch")
                ? bus.subscribeBatch(options, BatchOptions.of(64).withMaxWait(Duration.ZERO),
                        events -> window.release(events.size()))
                : bus.subscribe(options, event -> window.release());
        subscription.ready().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (consumer != null) {
            queue.put(POISON);
            consumer.join(5_000);
        }
        if (subscription != null) {
            subscription.close();
        }
        if (bus != null) {
            bus.close();
        }
    }

    @Benchmark
    public Object publishAndHandle() throws InterruptedException {
        window.acquire();
        if (queue != null) {
            queue.put(payload);
            return null;
        }
        return bus.publish(Event.builder(topic).payload(payload).build());
    }
}
