package io.relaybus.memory;

import io.relaybus.api.Event;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The ring behind a memory topic, checked against a plain deque under retention by count and by bytes. */
@DisplayName("Memory topic log")
class TopicLogTest {

    @Test
    @DisplayName("keeps the newest events within the event and byte limits across growth and wrap-around")
    void keepsTheNewestWithinBothLimits() {
        Random random = new Random(42);
        for (int round = 0; round < 20; round++) {
            long maxEvents = 1 + random.nextInt(100);
            long maxBytes = 1 + random.nextInt(5_000);
            TopicLog log = new TopicLog();
            ArrayDeque<Event> model = new ArrayDeque<>();
            List<Integer> sizes = new ArrayList<>();
            long modelBase = 0;
            for (int i = 0; i < 2_000; i++) {
                int size = random.nextInt(300);
                Event e = Event.of("t", "k", "e" + i);
                long newBase = log.baseAfterAdding(size, maxEvents, maxBytes);
                log.add(e, size);
                log.dropUntil(newBase);

                model.addLast(e);
                sizes.add(size);
                long bytes = sizes.stream().mapToLong(Integer::longValue).sum();
                while (model.size() > 1 && (model.size() > maxEvents || bytes > maxBytes)) {
                    model.removeFirst();
                    bytes -= sizes.remove(0);
                    modelBase++;
                }
                assertEquals(modelBase, log.base(), "base after event " + i + " of round " + round);
                assertEquals(modelBase + model.size(), log.end(), "end after event " + i);
                long offset = modelBase;
                for (Event kept : model) {
                    assertSame(kept, log.get(offset++), "event at offset " + (offset - 1));
                }
            }
        }
    }

    @Test
    @DisplayName("an event larger than the byte limit is still kept, alone")
    void oversizedEventIsKept() {
        TopicLog log = new TopicLog();
        for (int i = 0; i < 3; i++) {
            log.add(Event.of("t", "k", "small"), 10);
        }
        long newBase = log.baseAfterAdding(1_000, 100, 100);
        assertEquals(3, newBase, "every older event goes, the new one stays");
        log.add(Event.of("t", "k", "big"), 1_000);
        log.dropUntil(newBase);
        assertEquals(1, log.count());
        assertEquals("big", log.get(3).payloadAsString());
    }
}
