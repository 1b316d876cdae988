package io.relaybus.bench.jmh;

import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.EventBusBuilder;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.interceptor.EventInterceptor;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * What the interceptor contract costs on the memory transport: publish and handle, end to end through the runtime
 * (publish path, the memory broker, the subscription's dispatcher and worker, acknowledgement), on a bus without
 * interceptors ({@code none}, where the runtime has no chain at all) and on one with a single interceptor whose hooks
 * do nothing ({@code noop}, the chain's own cost: contexts, hook calls, failure containment). Each invocation publishes
 * {@value #EVENTS} events and returns once the handler has seen all of them, so the score is events published and
 * handled per unit of time, not the rate of an asynchronous enqueue. The secondary results {@code cpuNanos} and
 * {@code events} are the process's CPU time and the events handled, each per unit of wall time: their quotient is
 * the CPU time an event costs (all threads: publisher, worker, garbage collector), which other processes on a loaded
 * machine disturbs less than the throughput.
 *
 * <p>Run: {@code java -cp bus-bench/target/bus-bench.jar org.openjdk.jmh.Main InterceptorOverheadBenchmark}; on a
 * loaded machine run the two parameters alternately ({@code -p interceptors=none}, then {@code noop}, and again) and
 * compare runs next to each other.
 */
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
public class InterceptorOverheadBenchmark extends MicroBenchmark {

    static final int EVENTS = 1_000;

    /**
     * An interceptor that implements every hook as nothing (the interface's defaults). Only this class names the
     * interceptor API, so the {@code none} case also runs against bus-api builds from before it existed.
     */
    static final class NoOpInterceptor implements EventInterceptor {
        static EventBusBuilder registeredOn(EventBusBuilder builder) {
            return builder.interceptor(new NoOpInterceptor());
        }
    }

    /** The process's CPU time and the events handled, summed per iteration (see the class comment). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class CpuTime {
        public long cpuNanos;
        public long events;
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    @Param({"none", "noop"})
    public String interceptors;

    private EventBus bus;
    private Event[] events;
    private final AtomicLong handled = new AtomicLong();
    private volatile long target;
    private volatile Thread waiter;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        EventBusBuilder builder = EventBus.builder().transport("memory")
                .property("memory.broker", "jmh-interceptors-" + System.nanoTime());
        switch (interceptors) {
            case "none" -> { }
            case "noop" -> NoOpInterceptor.registeredOn(builder);
            default -> throw new IllegalArgumentException("interceptors=" + interceptors + ": none or noop");
        }
        bus = builder.build();
        events = new Event[EVENTS];
        for (int i = 0; i < EVENTS; i++) {
            events[i] = Event.builder("jmh").id("e" + i).key("k" + (i % 64)).payload("payload " + i).build();
        }
        bus.subscribe(SubscribeOptions.builder("jmh").group("jmh").build(), e -> {
            if (handled.incrementAndGet() >= target) {
                LockSupport.unpark(waiter);
            }
        }).ready().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        bus.close();
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long publishAndHandle(CpuTime cpu) {
        long cpuBefore = OS.getProcessCpuTime();
        waiter = Thread.currentThread();
        long until = handled.get() + EVENTS;
        target = until;
        for (Event event : events) {
            bus.publish(event);
        }
        while (handled.get() < until) {
            LockSupport.parkNanos(this, 1_000_000);   // unparked by the handler; the timeout bounds a missed unpark
        }
        cpu.cpuNanos += OS.getProcessCpuTime() - cpuBefore;
        cpu.events += EVENTS;
        return until;
    }
}
