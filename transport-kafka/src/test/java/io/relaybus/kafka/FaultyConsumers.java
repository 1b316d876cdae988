package io.relaybus.kafka;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A {@link ConsumerFactory} of real {@link KafkaConsumer}s that throw on demand: {@link #failNext} makes the next call
 * of a consumer method (by name, on whichever consumer makes it) throw instead of running. Thread safe.
 */
final class FaultyConsumers implements ConsumerFactory {

    private final Map<String, Queue<Supplier<RuntimeException>>> faults = new ConcurrentHashMap<>();
    final AtomicInteger created = new AtomicInteger();
    final AtomicInteger thrown = new AtomicInteger();
    private volatile int brokenUpTo;
    private volatile String brokenMethod;
    private volatile Supplier<RuntimeException> brokenFailure;

    /** The next {@code times} calls of {@code method} throw what {@code failure} makes. */
    FaultyConsumers failNext(String method, int times, Supplier<RuntimeException> failure) {
        Queue<Supplier<RuntimeException>> q = faults.computeIfAbsent(method, m -> new ConcurrentLinkedQueue<>());
        for (int i = 0; i < times; i++) {
            q.add(failure);
        }
        return this;
    }

    /**
     * Breaks the consumers made so far (not later ones): from now on every call of {@code method} on them throws what
     * {@code failure} makes, as a consumer in a state it cannot leave would.
     */
    FaultyConsumers breakConsumersSoFar(String method, Supplier<RuntimeException> failure) {
        brokenUpTo = created.get();
        brokenMethod = method;
        brokenFailure = failure;
        return this;
    }

    /** Whether every fault asked for was thrown. */
    boolean allThrown() {
        return faults.values().stream().allMatch(Queue::isEmpty);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Consumer<byte[], byte[]> create(Map<String, Object> properties) {
        KafkaConsumer<byte[], byte[]> real = new KafkaConsumer<>(properties);
        int id = created.incrementAndGet();
        return (Consumer<byte[], byte[]>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{Consumer.class}, (proxy, method, args) -> {
                    Queue<Supplier<RuntimeException>> q = faults.get(method.getName());
                    Supplier<RuntimeException> fault = q == null ? null : q.poll();
                    if (fault == null && id <= brokenUpTo && method.getName().equals(brokenMethod)) {
                        fault = brokenFailure;
                    }
                    if (fault != null) {
                        thrown.incrementAndGet();
                        throw fault.get();
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
