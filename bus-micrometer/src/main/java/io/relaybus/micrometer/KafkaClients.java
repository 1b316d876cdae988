package io.relaybus.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.relaybus.api.EventBus;
import io.relaybus.api.Subscription;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Binds kafka-clients' own metrics with Micrometer's {@link KafkaClientMetrics}, for a bus whose transport exposes a
 * Kafka {@link Producer} and {@link Consumer}s (see {@link EventBus#unwrap}). kafka-clients is an optional dependency:
 * callers check {@link #AVAILABLE} first, so this class (and Kafka's) is never loaded without it.
 */
final class KafkaClients {

    /** Whether kafka-clients is on the class path. */
    static final boolean AVAILABLE = present("org.apache.kafka.clients.producer.Producer");

    private KafkaClients() {
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, KafkaClients.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Binds the bus's producer's metrics; null when it has none. Close the result to remove the meters. */
    static AutoCloseable bindProducer(EventBus bus, MeterRegistry registry, Tags tags) {
        return bus.unwrap(Producer.class).map(p -> bind(new KafkaClientMetrics(p, tags), registry)).orElse(null);
    }

    /** Binds a subscription's consumer's metrics; null when it has none (yet). */
    static AutoCloseable bindConsumer(Subscription subscription, MeterRegistry registry, Tags tags) {
        return subscription.unwrap(Consumer.class).map(c -> bind(new KafkaClientMetrics(c, tags), registry))
                .orElse(null);
    }

    private static AutoCloseable bind(KafkaClientMetrics metrics, MeterRegistry registry) {
        metrics.bindTo(registry);
        return metrics;
    }
}
