package io.relaybus.kafka;

import io.relaybus.api.EventBus;
import io.relaybus.api.RetryPolicy;
import io.relaybus.api.StartPosition;
import io.relaybus.api.SubscribeOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Records from other producers whose key and header values are not UTF-8 keep their exact bytes through the bus:
 * consumed, retried, dead-lettered and re-published, the dead letter lands where a record with those key bytes goes.
 */
@Tag("broker")
class KafkaBinaryRoundTripTest {

    private static final byte[] KEY = {(byte) 0xff, (byte) 0xfe, 0, 1};
    private static final byte[] HEADER = {(byte) 0xc3, (byte) 0x28, (byte) 0xa0, (byte) 0xa1, 0};   // invalid UTF-8

    @Test
    @DisplayName("a foreign record with binary key and header is dead-lettered with identical bytes and partition")
    void binaryKeyAndHeaderSurviveDeadLettering() throws Exception {
        String topic = KafkaTestSupport.unique("binary");
        String deadLetters = topic + ".dlq";
        List<byte[]> seenKeys = new CopyOnWriteArrayList<>();
        try (EventBus bus = EventBus.open(KafkaTestSupport.busConfig(KafkaConfig.TOPIC_PARTITIONS_CONFIG, 6));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestSupport.bootstrap(),
                     ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                     ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestSupport.bootstrap(),
                     ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,   // the bus creates it, with 6 partitions
                     ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                     ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            bus.subscribe(SubscribeOptions.builder(topic).group(KafkaTestSupport.unique("g"))
                    .startFrom(StartPosition.EARLIEST).retry(RetryPolicy.fixed(2, Duration.ofMillis(10)))
                    .deadLetterTopic(deadLetters).build(), e -> {
                        seenKeys.add(e.keyBytes());
                        throw new IllegalStateException("this handler always fails");
                    }).ready().toCompletableFuture().get(60, TimeUnit.SECONDS);

            RecordHeaders headers = new RecordHeaders();
            headers.add("bin", HEADER);
            RecordMetadata original = producer.send(new ProducerRecord<>(topic, null, KEY,
                    "payload".getBytes(StandardCharsets.UTF_8), headers)).get(30, TimeUnit.SECONDS);

            KafkaTestSupport.await("the dead-letter topic exists", () -> {
                List<PartitionInfo> p = consumer.partitionsFor(deadLetters, Duration.ofSeconds(1));
                return p != null && !p.isEmpty();
            });
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(deadLetters)) {
                parts.add(new TopicPartition(deadLetters, p.partition()));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
            KafkaTestSupport.await("the dead letter was read", () -> {
                consumer.poll(Duration.ofMillis(100)).forEach(got::add);
                return !got.isEmpty();
            });
            ConsumerRecord<byte[], byte[]> dead = got.get(0);
            assertArrayEquals(KEY, dead.key(), "dead letter key bytes");
            assertArrayEquals(HEADER, dead.headers().lastHeader("bin").value(), "dead letter header bytes");
            assertEquals(Utils.toPositive(Utils.murmur2(KEY)) % parts.size(), dead.partition(),
                    "the partition Kafka's partitioner gives those key bytes");
            assertEquals(Utils.toPositive(Utils.murmur2(KEY)) % 6, original.partition());
            assertEquals(original.partition(), dead.partition(), "both topics have 6 partitions");
            assertArrayEquals(KEY, seenKeys.get(0), "the handler sees the exact key bytes");
        }
    }
}
