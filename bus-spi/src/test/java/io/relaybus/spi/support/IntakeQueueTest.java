package io.relaybus.spi.support;

import io.relaybus.api.Event;
import io.relaybus.spi.Delivery;
import io.relaybus.spi.DeliverySink;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("IntakeQueue: refuse, hold and offer again, in order")
class IntakeQueueTest {

    /** A sink with room for {@code room} more deliveries; records what it accepted. */
    private static final class Sink implements DeliverySink {
        int room;
        final List<String> accepted = new ArrayList<>();

        @Override
        public boolean offer(Delivery delivery) {
            if (room == 0) {
                return false;
            }
            room--;
            accepted.add(delivery.event().payloadAsString());
            return true;
        }

        @Override
        public int remainingCapacity() {
            return room;
        }

        @Override
        public boolean awaitCapacity(long timeout, TimeUnit unit) {
            return room > 0;
        }
    }

    private static Delivery delivery(String payload) {
        Event e = Event.of("t", "k", payload);
        return new Delivery() {
            @Override
            public Event event() {
                return e;
            }

            @Override
            public void ack() {
            }
        };
    }

    @Test
    @DisplayName("a refused delivery stays first; nothing behind it is offered before it")
    void refusedStaysFirst() {
        Sink sink = new Sink();
        sink.room = 1;
        IntakeQueue<Delivery> queue = new IntakeQueue<>(sink);
        assertTrue(queue.offer(delivery("a")));
        assertFalse(queue.offer(delivery("b")), "no room: held");
        sink.room = 5;
        assertFalse(queue.offer(delivery("c")), "b is held, so c waits behind it although there is room");
        assertEquals(List.of("a"), sink.accepted);
        assertTrue(queue.offerHeld());
        assertEquals(List.of("a", "b", "c"), sink.accepted);
        assertFalse(queue.isHolding());
    }

    @Test
    @DisplayName("offerHeld stops at the first refusal and keeps the rest in order")
    void offerHeldStopsAtRefusal() {
        Sink sink = new Sink();
        IntakeQueue<Delivery> queue = new IntakeQueue<>(sink);
        for (String p : List.of("a", "b", "c")) {
            queue.hold(delivery(p));
        }
        sink.room = 2;
        assertFalse(queue.offerHeld());
        assertEquals(1, queue.size());
        List<String> handedBack = new ArrayList<>();
        queue.handBack(d -> handedBack.add(d.event().payloadAsString()));
        assertEquals(List.of("a", "b"), sink.accepted);
        assertEquals(List.of("c"), handedBack);
        assertFalse(queue.isHolding());
    }

    @Test
    @DisplayName("hooks see every offer and every refusal; removeIf drops held deliveries")
    void hooksAndRemoval() {
        Sink sink = new Sink();
        List<String> seen = new ArrayList<>();
        IntakeQueue<Delivery> queue = new IntakeQueue<>(sink, new IntakeQueue.Hooks<>() {
            @Override
            public void offering(Delivery d) {
                seen.add("offering " + d.event().payloadAsString());
            }

            @Override
            public void refused(Delivery d) {
                seen.add("refused " + d.event().payloadAsString());
            }
        });
        sink.room = 1;
        queue.offer(delivery("a"));
        queue.offer(delivery("b"));
        queue.hold(delivery("c"));
        assertEquals(List.of("offering a", "offering b", "refused b"), seen);
        queue.removeIf(d -> d.event().payloadAsString().equals("b"));
        sink.room = 1;
        assertTrue(queue.offerHeld());
        assertEquals(List.of("a", "c"), sink.accepted);
    }
}
