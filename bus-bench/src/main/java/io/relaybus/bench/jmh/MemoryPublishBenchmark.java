package io.relaybus.bench.jmh;

import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.UUID;

/**
 * The publish path alone on the memory transport, no subscriber: building the event (id, timestamp, headers), the
 * bus's publish (metrics, completion future) and the transport's size check and append. {@code headers} string
 * headers of 36 characters each ride on every event (0: a bare event; 4: a traced one, say). The topic keeps the last
 * 10,000 events, so the log does not grow.
 *
 * <p>Run: {@code java -cp bus-bench/target/bus-bench.jar org.openjdk.jmh.Main MemoryPublish -prof gc}
 */
@State(Scope.Thread)
public class MemoryPublishBenchmark extends MicroBenchmark {

    @Param({"0", "4"})
    public int headers;

    private final byte[] payload = new byte[1024];
    private final String topic = "jmh-" + UUID.randomUUID();
    private final String headerValue = UUID.randomUUID().toString();
    private final String[] names = {"h0", "h1", "h2", "h3"};
    private EventBus bus;

    @Setup(Level.Trial)
    public void setUp() {
        if (headers > names.length) {
            throw new IllegalArgumentException("headers: at most " + names.length);
        }
        bus = EventBus.builder().transport("memory").property("memory.broker", topic)
                .property("memory.retention.events", 10_000).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        bus.close();
    }

    @Benchmark
    public Object publish() {
        Event.Builder b = Event.builder(topic).payload(payload);
        for (int i = 0; i < headers; i++) {
            b.header(names[i], headerValue);
        }
        return bus.publish(b.build());
    }
}
