package io.relaybus.kafka;

import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.SubscribeOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Stock Kafka clients and the bus read each other's records: key, headers, id, timestamp and payload. */
@Tag("broker")
class KafkaInteropTest {

    @Test
    @DisplayName("an event published by the bus is readable by a stock KafkaConsumer with key, headers and id")
    void stockConsumerReadsBusEvents() {
        String topic = KafkaTestSupport.unique("interop-out");
        Instant ts = Instant.now().minusSeconds(5).truncatedTo(ChronoUnit.MILLIS);
        Event event = Event.builder(topic).key("order-7").header("tenant", "acme").header("ü", "ö")
                .payload("{\"total\":12}").timestamp(ts).build();
        try (EventBus bus = EventBus.open(KafkaTestSupport.busConfig(KafkaConfig.TOPIC_PARTITIONS_CONFIG, 3))) {
            String position = bus.publish(event).toCompletableFuture().join().position();
            int partition = Integer.parseInt(position.substring(0, position.indexOf('@')));
            long offset = Long.parseLong(position.substring(position.indexOf('@') + 1));
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestSupport.bootstrap(),
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
                TopicPartition tp = new TopicPartition(topic, partition);
                consumer.assign(List.of(tp));
                consumer.seek(tp, offset);
                List<ConsumerRecord<String, String>> got = new ArrayList<>();
                KafkaTestSupport.await("the stock consumer read the record", () -> {
                    consumer.poll(Duration.ofMillis(100)).forEach(got::add);
                    return !got.isEmpty();
                });
                ConsumerRecord<String, String> r = got.get(0);
                assertEquals("order-7", r.key());
                assertEquals("{\"total\":12}", r.value());
                assertEquals(ts.toEpochMilli(), r.timestamp());
                assertEquals(event.id(), header(r, "relaybus.id"));
                assertEquals("acme", header(r, "tenant"));
                assertEquals("ö", header(r, "ü"));
            }
        }
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("a record from a stock KafkaProducer reaches a bus subscriber with key, headers and timestamp")
    void stockProducerReachesSubscribers() throws Exception {
        String topic = KafkaTestSupport.unique("interop-in");
        List<Event> received = new CopyOnWriteArrayList<>();
        try (EventBus bus = EventBus.open(KafkaTestSupport.busConfig());
             KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestSupport.bootstrap(),
                     ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                     ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
            bus.subscribe(SubscribeOptions.builder(topic).group(KafkaTestSupport.unique("g")).build(), received::add)
                    .ready().toCompletableFuture().join();
            RecordHeaders headers = new RecordHeaders();
            headers.add("source", "legacy".getBytes(StandardCharsets.UTF_8));
            long ts = Instant.now().truncatedTo(ChronoUnit.MILLIS).toEpochMilli();
            RecordMetadata md = producer.send(new ProducerRecord<>(topic, null, ts, "user-9", "hello", headers))
                    .get(30, TimeUnit.SECONDS);
            KafkaTestSupport.await("the bus subscriber received the record", () -> !received.isEmpty());
            Event e = received.get(0);
            assertEquals("user-9", e.keyOrNull());
            assertEquals("hello", e.payloadAsString());
            assertEquals(Map.of("source", "legacy"), e.headers());
            assertEquals(ts, e.timestamp().toEpochMilli());
            assertEquals(topic + "-" + md.partition() + "@" + md.offset(), e.id(), "id derived from the position");
        }
    }
}
