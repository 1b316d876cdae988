package io.relaybus.spi.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class BatchQueueTest {

    private final BatchQueue<String> queue = new BatchQueue<>(10, Long.MAX_VALUE, String::length);

    @Test
    @Timeout(10)
    void takesWhatIsQueuedAtOnceBoundedByCountAndBytes() throws Exception {
        for (String s : List.of("a", "b", "c", "d", "e")) {
            assertTrue(queue.put(s, 0, TimeUnit.MILLISECONDS));
        }
        // No linger: what is there, at most 3.
        assertEquals(List.of("a", "b", "c"), queue.takeBatch(3, Long.MAX_VALUE, 0, 1, TimeUnit.SECONDS));
        assertEquals(List.of("d", "e"), queue.takeBatch(3, Long.MAX_VALUE, 0, 1, TimeUnit.SECONDS));
        queue.put("xxxx", 0, TimeUnit.MILLISECONDS);
        queue.put("yyyy", 0, TimeUnit.MILLISECONDS);
        queue.put("z", 0, TimeUnit.MILLISECONDS);
        // Bytes: the batch closes once it reached 5 bytes.
        assertEquals(List.of("xxxx", "yyyy"), queue.takeBatch(10, 5, 0, 1, TimeUnit.SECONDS));
        assertEquals(List.of("z"), queue.drain());
    }

    /** Starts a thread that puts {@code item} after {@code delayMillis} (waiting up to 1 s for room). */
    private Thread putLater(long delayMillis, String item) {
        Thread producer = new Thread(() -> {
            try {
                Thread.sleep(delayMillis);
                queue.put(item, 1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        producer.start();
        return producer;
    }

    @Test
    @Timeout(10)
    void aLoneItemIsHandedOverWithoutWaitingForMore() throws Exception {
        Thread producer = putLater(50, "lone");
        // Waits for the first item only; nothing else comes, and no linger was asked for.
        assertEquals(List.of("lone"), queue.takeBatch(100, Long.MAX_VALUE, 0, 5, TimeUnit.SECONDS));
        producer.join();
        assertEquals(List.of(), queue.takeBatch(100, Long.MAX_VALUE, 0, 20, TimeUnit.MILLISECONDS), "timed out: empty");
    }

    @Test
    @Timeout(10)
    void lingerCollectsItemsArrivingAfterTheFirst() throws Exception {
        queue.put("first", 0, TimeUnit.MILLISECONDS);
        Thread producer = putLater(20, "second");
        assertEquals(List.of("first", "second"), queue.takeBatch(2, Long.MAX_VALUE,
                TimeUnit.SECONDS.toNanos(5), 1, TimeUnit.SECONDS), "full by count before the 5 s linger");
        producer.join();
    }

    @Test
    @Timeout(10)
    void aFullQueuePushesBack() throws Exception {
        BatchQueue<String> small = new BatchQueue<>(2, Long.MAX_VALUE, String::length);
        assertTrue(small.put("a", 0, TimeUnit.MILLISECONDS));
        assertTrue(small.put("b", 0, TimeUnit.MILLISECONDS));
        assertFalse(small.put("c", 10, TimeUnit.MILLISECONDS), "full by count");
        assertEquals(2, small.size());
    }

    @Test
    @Timeout(10)
    void bytesBoundTheQueueWhateverTheCountButOneItemAlwaysFits() throws Exception {
        BatchQueue<String> bounded = new BatchQueue<>(100, 10, String::length);
        assertTrue(bounded.put("123456789012345", 0, TimeUnit.MILLISECONDS), "larger than the bound, but alone");
        assertFalse(bounded.put("x", 10, TimeUnit.MILLISECONDS), "full by bytes");
        assertEquals(List.of("123456789012345"), bounded.takeBatch(10, Long.MAX_VALUE, 0, 1, TimeUnit.SECONDS));
        assertTrue(bounded.put("12345", 0, TimeUnit.MILLISECONDS));
        assertTrue(bounded.put("12345", 0, TimeUnit.MILLISECONDS));
        assertFalse(bounded.put("1", 10, TimeUnit.MILLISECONDS), "10 bytes queued");
        // Taking makes room for a waiting producer.
        Thread producer = new Thread(() -> {
            try {
                bounded.put("abc", 5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        producer.start();
        assertEquals(List.of("12345", "12345"), bounded.takeBatch(10, Long.MAX_VALUE, 0, 1, TimeUnit.SECONDS));
        producer.join();
        assertEquals(List.of("abc"), bounded.drain());
    }
}
