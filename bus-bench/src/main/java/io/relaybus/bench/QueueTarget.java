package io.relaybus.bench;

import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The raw baseline of the memory transport: a bare {@link ArrayBlockingQueue} between the publishing thread and one
 * consumer thread. It is what moving an event from one thread to another costs at the least, so the memory run's
 * bus/raw ratio is the price of the bus's core (event objects, log, fetch loop, dispatcher, acknowledgement tracking).
 * A publish is "acknowledged" once it is in the queue.
 */
final class QueueTarget implements Target {

    private static final byte[] POISON = new byte[0];

    private final BlockingQueue<byte[]> queue;
    private Thread consumer;

    QueueTarget(int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    @Override
    public String kind() {
        return "raw";
    }

    @Override
    public String description() {
        return "ArrayBlockingQueue hand-off to one thread";
    }

    @Override
    public Map<String, String> settings() {
        return Map.of("queue.capacity", String.valueOf(queue.remainingCapacity()), "consumer.threads", "1");
    }

    @Override
    public void open() {
    }

    @Override
    public void subscribe(Receiver receiver) {
        consumer = new Thread(() -> {
            try {
                for (byte[] p = queue.take(); p != POISON; p = queue.take()) {
                    receiver.onEvent(p);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bench-queue-consumer");
        consumer.setDaemon(true);
        consumer.start();
    }

    @Override
    public void publish(byte[] payload, String key, AckCallback callback) {
        try {
            queue.put(payload);
            callback.done(null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            callback.done(e);
        }
    }

    @Override
    public void close() {
        if (consumer != null) {
            try {
                queue.put(POISON);
                consumer.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
