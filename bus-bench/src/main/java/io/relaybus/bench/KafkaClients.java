package io.relaybus.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The raw Kafka clients of the bench's own targets (the raw baseline, the mirror's ends, the raw mirror), all of byte
 * arrays: a producer connected before the run, and a consumer polling on a thread of its own. Stateless.
 */
final class KafkaClients {

    private KafkaClients() {
    }

    /**
     * A producer with {@code settings}, connected: it has fetched {@code topic}'s metadata, as opening the bus does,
     * so that connecting is not charged to the first publish. The caller closes it.
     */
    static KafkaProducer<byte[], byte[]> producer(Map<String, String> settings, String bootstrap, String clientId,
                                                  String topic) {
        Properties pp = new Properties();
        pp.putAll(settings);
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pp.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp, new ByteArraySerializer(),
                new ByteArraySerializer());
        producer.partitionsFor(topic);
        return producer;
    }

    /** A consumer's configuration: {@code settings} plus where, in which group and under which client id. */
    static Properties consumerConfig(Map<String, String> settings, String bootstrap, String group, String clientId) {
        Properties cp = new Properties();
        cp.putAll(settings);
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        cp.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        return cp;
    }

    /**
     * A KafkaConsumer subscribed to one topic, polling on a daemon thread of its own (at most 100 ms per poll) until
     * {@link #close()}. Lifecycle: {@link #start} once, {@link #close()} once, from any thread.
     */
    static final class PollThread implements AutoCloseable {

        /** Gets each poll's records, none too, on the poll thread. */
        @FunctionalInterface
        interface Handler {
            void polled(KafkaConsumer<byte[], byte[]> consumer, ConsumerRecords<byte[], byte[]> records)
                    throws InterruptedException;
        }

        /** A handler giving every record's value to {@code receiver}, inline on the poll thread. */
        static Handler values(Target.Receiver receiver) {
            return (consumer, records) -> {
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    receiver.onEvent(r.value());
                }
            };
        }

        private final Thread thread;
        private volatile KafkaConsumer<byte[], byte[]> consumer;
        private volatile boolean running = true;

        private PollThread(Properties config, String topic, int partitions, String threadName, String what,
                           Handler handler, CompletableFuture<Void> ready) {
            thread = new Thread(() -> {
                try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
                    consumer = c;
                    c.subscribe(List.of(topic), readyWhenAllAssigned(c, partitions, ready));
                    while (running) {
                        handler.polled(c, c.poll(Duration.ofMillis(100)));
                    }
                } catch (WakeupException e) {
                    // closing
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    ready.completeExceptionally(e);
                    if (running) {
                        System.err.println(what + " failed: " + e);
                    }
                }
            }, threadName);
            thread.setDaemon(true);
        }

        /**
         * Starts polling and returns once every one of the topic's {@code partitions} is assigned and positioned
         * (at most 2 minutes; when it is not, the thread is stopped and the failure thrown); {@code what} names the
         * consumer in the message printed when it fails while polling.
         */
        static PollThread start(Properties config, String topic, int partitions, String threadName, String what,
                                Handler handler) throws Exception {
            CompletableFuture<Void> ready = new CompletableFuture<>();
            PollThread poller = new PollThread(config, topic, partitions, threadName, what, handler, ready);
            poller.thread.start();
            try {
                ready.get(2, TimeUnit.MINUTES);
            } catch (Exception e) {
                poller.close();
                throw e;
            }
            return poller;
        }

        /** Stops polling (waking the consumer up) and waits up to 30 s for the thread to close it. */
        @Override
        public void close() {
            running = false;
            KafkaConsumer<byte[], byte[]> c = consumer;
            if (c != null) {
                c.wakeup();
            }
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** A rebalance listener completing {@code ready} once all {@code partitions} are assigned and positioned. */
        private static ConsumerRebalanceListener readyWhenAllAssigned(KafkaConsumer<?, ?> c, int partitions,
                                                                      CompletableFuture<Void> ready) {
            return new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> parts) {
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> parts) {
                    if (!ready.isDone() && c.assignment().size() >= partitions) {
                        c.assignment().forEach(c::position);
                        ready.complete(null);
                    }
                }
            };
        }
    }
}
