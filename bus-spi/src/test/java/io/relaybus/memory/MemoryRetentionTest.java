package io.relaybus.memory;

import io.relaybus.api.BusConfigException;
import io.relaybus.api.BusException;
import io.relaybus.api.BusHealth;
import io.relaybus.api.BusRetriableException;
import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.relaybus.memory.MemoryBuses.WAIT_SECONDS;
import static io.relaybus.memory.MemoryBuses.publish;
import static io.relaybus.memory.MemoryBuses.subscribe;
import static io.relaybus.memory.MemoryBuses.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The topic log keeps {@code memory.retention.events}: publishing waits rather than drop what a group with an open
 * subscription has not taken, fails after {@code memory.max.block.ms} storing nothing, and a group that had no open
 * subscription while retention dropped its events is told so when it comes back.
 */
@DisplayName("Memory transport retention and publisher flow control")
class MemoryRetentionTest {

    @RegisterExtension
    final MemoryBuses buses = new MemoryBuses("retention-");

    private static Event event(int i) {
        return Event.of("orders", "k", "e" + i);
    }

    private static List<String> payloads(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add("e" + i);
        }
        return out;
    }

    @Test
    @DisplayName("a slow group with an open subscription loses nothing: publishing waits for it")
    void slowLiveGroupLosesNothing() throws Exception {
        EventBus bus = buses.open(MemoryTransportProvider.RETENTION_CONFIG, "10", "bus.dispatch.queue.capacity", "1");
        List<String> handled = new CopyOnWriteArrayList<>();
        AtomicBoolean degraded = new AtomicBoolean();
        Subscription s = subscribe(bus, SubscribeOptions.builder("orders").group("slow").build(), e -> {
            Thread.sleep(2);
            handled.add(e.payloadAsString());
        });
        for (int i = 0; i < 60; i++) {
            publish(bus, event(i));
            degraded.compareAndSet(false, s.health().status() != BusHealth.Status.UP);
        }
        waitUntil(() -> handled.size() >= 60, "all 60 acknowledged events were handled: " + handled);
        assertEquals(payloads(0, 60), handled, "every acknowledged event, once, in order");
        assertTrue(!degraded.get() && s.health().status() == BusHealth.Status.UP, "never behind the retention");
    }

    /** Publishes e0, e1, ... on its own thread until {@code count} are stored or one publish fails. */
    private static final class Publisher extends Thread {
        final List<String> acknowledged = new CopyOnWriteArrayList<>();
        volatile Throwable failure;
        volatile boolean interruptedAfterFailure;
        private final EventBus bus;
        private final int count;

        Publisher(EventBus bus, int count) {
            super("retention-test-publisher");
            this.bus = bus;
            this.count = count;
            start();
        }

        @Override
        public void run() {
            for (int i = 0; i < count; i++) {
                try {
                    bus.publish(event(i)).toCompletableFuture().join();
                    acknowledged.add("e" + i);
                } catch (CompletionException e) {
                    failure = e.getCause();
                    interruptedAfterFailure = Thread.currentThread().isInterrupted();
                    return;
                }
            }
        }

        void awaitWaitingForRoom() throws InterruptedException {
            waitUntil(() -> getState() == State.TIMED_WAITING, "the publisher waits for room");
        }

        void awaitEnd() throws InterruptedException {
            join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            assertFalse(isAlive(), "the publisher ended: " + acknowledged.size() + " stored");
        }
    }

    /** Subscribes group {@code group} to orders, recording the payloads handled, and pauses it. */
    private static Subscription pausedGroup(EventBus bus, String group, List<String> handled) {
        Subscription s = subscribe(bus, SubscribeOptions.builder("orders").group(group).build(),
                e -> handled.add(e.payloadAsString()));
        s.pause();
        return s;
    }

    /**
     * Resumes {@code s} (of group {@code group}) and checks that exactly {@code acknowledged} is handled, in order:
     * it waits until the group has nothing left to settle, so an event stored without an acknowledgement would have
     * been handled too.
     */
    private void resumeAndExpect(Subscription s, String group, List<String> handled, List<String> acknowledged)
            throws InterruptedException {
        s.resume();
        waitUntil(() -> handled.size() >= acknowledged.size()
                && MemoryBroker.unsettled(buses.broker(), "orders", group) == 0, "the group settled everything");
        assertEquals(acknowledged, handled, "every acknowledged event and nothing else");
    }

    @Test
    @DisplayName("a publish that would drop what a paused group has not taken fails after memory.max.block.ms and stores nothing")
    void publishFailsWhenTheGroupDoesNotMove() throws Exception {
        EventBus bus = buses.open(MemoryTransportProvider.RETENTION_CONFIG, "5",
                MemoryTransportProvider.MAX_BLOCK_CONFIG, "200");
        List<String> handled = new CopyOnWriteArrayList<>();
        Subscription s = pausedGroup(bus, "stuck", handled);
        Publisher publisher = new Publisher(bus, 100);
        publisher.awaitEnd();

        BusRetriableException refused = assertInstanceOf(BusRetriableException.class, publisher.failure,
                "a publish was refused once the log was full for the paused group");
        assertTrue(refused.getMessage().contains("group 'stuck'")
                && refused.getMessage().contains("memory.retention.events=5")
                && refused.getMessage().contains("memory.max.block.ms=200")
                && refused.getMessage().contains("'orders'"), refused.getMessage());
        assertTrue(publisher.acknowledged.size() >= 5, "at least the retention was stored first: "
                + publisher.acknowledged);
        resumeAndExpect(s, "stuck", handled, publisher.acknowledged);
    }

    @Test
    @DisplayName("a publisher interrupted while waiting for room fails, keeps its interrupt and stores nothing")
    void interruptedPublisherStoresNothing() throws Exception {
        EventBus bus = buses.open(MemoryTransportProvider.RETENTION_CONFIG, "5");
        List<String> handled = new CopyOnWriteArrayList<>();
        Subscription s = pausedGroup(bus, "stuck", handled);
        Publisher publisher = new Publisher(bus, 100);
        publisher.awaitWaitingForRoom();
        publisher.interrupt();
        publisher.awaitEnd();

        BusException e = assertInstanceOf(BusException.class, publisher.failure, "the interrupted publish failed");
        assertTrue(e.getMessage().contains("interrupted") && e.getMessage().contains("memory.max.block.ms"),
                e.getMessage());
        assertTrue(publisher.interruptedAfterFailure, "the publisher's interrupt status is kept");
        resumeAndExpect(s, "stuck", handled, publisher.acknowledged);
    }

    @Test
    @DisplayName("closing the only subscription of a lagging group lets the waiting publisher go on")
    void closingTheLaggingMemberReleasesPublishers() throws Exception {
        EventBus bus = buses.open(MemoryTransportProvider.RETENTION_CONFIG, "5");
        Subscription s = pausedGroup(bus, "gone", new CopyOnWriteArrayList<>());
        Publisher publisher = new Publisher(bus, 30);
        publisher.awaitWaitingForRoom();
        s.close();
        publisher.awaitEnd();
        assertNull(publisher.failure, "every publish was stored");
        assertEquals(30, publisher.acknowledged.size());
    }

    @Test
    @DisplayName("a handler that publishes to its own full topic waits at most memory.max.block.ms, and every acknowledged event is handled")
    void handlerPublishingToItsOwnTopicDoesNotHang() throws Exception {
        EventBus bus = buses.open(MemoryTransportProvider.RETENTION_CONFIG, "3",
                MemoryTransportProvider.MAX_BLOCK_CONFIG, "200", "bus.dispatch.queue.capacity", "1");
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Set<String> handled = ConcurrentHashMap.newKeySet();
        List<Throwable> refused = new CopyOnWriteArrayList<>();
        subscribe(bus, SubscribeOptions.builder("orders").group("echo").build(), e -> {
            handled.add(e.payloadAsString());
            if (!e.payloadAsString().startsWith("re-")) {
                String again = "re-" + e.payloadAsString();
                try {
                    bus.publish(Event.of("orders", "k", again)).toCompletableFuture().join();
                    acknowledged.add(again);
                } catch (CompletionException full) {
                    refused.add(full.getCause());   // the handler's own group is behind: it goes on without it
                }
            }
        });
        for (int i = 0; i < 20; i++) {
            try {
                publish(bus, event(i));
                acknowledged.add("e" + i);
            } catch (CompletionException full) {
                refused.add(full.getCause());
            }
        }
        waitUntil(() -> handled.containsAll(acknowledged), "every acknowledged event was handled");
        assertTrue(refused.stream().allMatch(BusRetriableException.class::isInstance), "refusals: " + refused);
    }

    @Test
    @DisplayName("a group that had no open subscription while retention dropped its events reports DEGRADED naming the key and the count, UP once caught up")
    void droppedEventsAreReported() throws Exception {
        EventBus bus = buses.open(MemoryTransportProvider.RETENTION_CONFIG, "10", "bus.dispatch.queue.capacity", "1");
        List<String> handled = new CopyOnWriteArrayList<>();
        SubscribeOptions slow = SubscribeOptions.builder("orders").group("slow").build();
        subscribe(bus, slow, e -> handled.add(e.payloadAsString())).close();   // the group exists, read up to here
        for (int i = 0; i < 50; i++) {
            publish(bus, event(i));   // nobody to wait for: retention drops what the group has not read
        }
        Subscription s = subscribe(bus, slow, e -> {
            Thread.sleep(20);     // slower than nothing: the group stays behind for a while after the drop
            handled.add(e.payloadAsString());
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        BusHealth degraded = s.health();
        while (degraded.status() != BusHealth.Status.DEGRADED) {
            assertTrue(System.nanoTime() < deadline, "never reported the dropped events: " + s.health());
            Thread.sleep(1);
            degraded = s.health();
        }
        assertTrue(degraded.detail().contains("memory.retention.events=10")
                && degraded.detail().contains("dropped before it read them"), degraded.detail());
        waitUntil(() -> handled.contains("e49") && s.health().status() == BusHealth.Status.UP,
                "caught up and UP again: " + s.health() + ", " + handled);
        assertTrue(handled.size() < 50 && !handled.contains("e0"), "retention dropped the oldest events: " + handled);
    }

    @Test
    @DisplayName("a second bus asking one broker for another retention fails naming both keys, its values and the broker's")
    void anotherRetentionOnAnOpenBrokerIsAConfigError() throws Exception {
        EventBus first = buses.open(MemoryTransportProvider.RETENTION_CONFIG, "10");
        BusConfigException e = assertThrows(BusConfigException.class, () -> buses.open(
                MemoryTransportProvider.RETENTION_CONFIG, "20", MemoryTransportProvider.RETENTION_BYTES_CONFIG, "999"));
        assertEquals(List.of(MemoryTransportProvider.RETENTION_CONFIG, MemoryTransportProvider.RETENTION_BYTES_CONFIG),
                e.problems().stream().map(BusConfigException.Problem::key).toList(), e.getMessage());
        assertEquals(List.of("20", "999"), e.problems().stream().map(BusConfigException.Problem::value).toList());
        assertTrue(e.getMessage().contains("'" + buses.broker() + "' (memory.broker) is open already with 10,")
                && e.getMessage().contains("is open already with " + MemoryTransportProvider.RETENTION_BYTES_DEFAULT
                + ","), e.getMessage());
        // The same settings share the broker, and the first bus works on.
        EventBus same = buses.open(MemoryTransportProvider.RETENTION_CONFIG, "10");
        List<String> handled = new CopyOnWriteArrayList<>();
        subscribe(first, SubscribeOptions.builder("orders").group("g").build(), ev -> handled.add(ev.payloadAsString()));
        publish(same, event(1));
        waitUntil(() -> handled.equals(List.of("e1")), "the second bus's event reached the first bus: " + handled);
    }
}
