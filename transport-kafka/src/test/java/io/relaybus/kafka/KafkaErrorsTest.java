package io.relaybus.kafka;

import io.relaybus.api.BusConfigException;
import io.relaybus.api.BusException;
import io.relaybus.api.BusFatalException;
import io.relaybus.api.BusRetriableException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Set;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which publish failures retrying can fix, and which Kafka topic names can never be stored. */
class KafkaErrorsTest {

    private static BusException translate(Throwable t) {
        return KafkaErrors.translate(t, "Publishing event 1 to Kafka topic t", "b:9092");
    }

    @Test
    @DisplayName("retrying cannot help: record too large, invalid topic, authorization and authentication refused")
    void fatal() {
        for (Throwable t : new Throwable[]{new RecordTooLargeException("too large"),
                new RecordBatchTooLargeException("batch too large"), new InvalidTopicException("bad name"),
                new TopicAuthorizationException(Set.of("t")), new ClusterAuthorizationException("no idempotent write"),
                new SaslAuthenticationException("bad password"),
                new ExecutionException(new TopicAuthorizationException(Set.of("t"))),
                new KafkaException("wrapped", new RecordTooLargeException("too large"))}) {
            assertInstanceOf(BusFatalException.class, translate(t), t.toString());
        }
        assertTrue(translate(new TopicAuthorizationException(Set.of("t"))).getMessage()
                .contains("Check the credentials"));
    }

    @Test
    @DisplayName("transient: timeouts, leader changes, network errors are retriable; anything else is plain")
    void retriable() {
        for (Throwable t : new Throwable[]{new TimeoutException("slow"), new NotLeaderOrFollowerException("moved"),
                new NetworkException("reset"), new ExecutionException(new TimeoutException("slow"))}) {
            assertInstanceOf(BusRetriableException.class, translate(t), t.toString());
        }
        BusException plain = translate(new UnsupportedVersionException("old broker"));
        assertEquals(BusException.class, plain.getClass());
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"orders", "a.b_c-D9", "x"})
    @DisplayName("legal topic names pass")
    void legalNames(String topic) {
        assertNull(KafkaTopics.invalidName(topic));
    }

    @Test
    @DisplayName("illegal topic names are configuration errors naming the topic and the rule")
    void illegalNames() {
        assertEquals("a Kafka topic name may only contain ASCII letters, digits, '.', '_' and '-'; character U+0020 at "
                + "index 6 is not allowed", KafkaTopics.invalidName("orders dlq"));
        assertEquals("a Kafka topic name may only contain ASCII letters, digits, '.', '_' and '-'; character U+002F "
                + "('/') at index 1 is not allowed", KafkaTopics.invalidName("a/b"));
        assertEquals("a Kafka topic cannot be named \".\" or \"..\"", KafkaTopics.invalidName(".."));
        assertEquals("a Kafka topic name has at most 249 characters; this one has 250",
                KafkaTopics.invalidName("x".repeat(250)));
        assertNull(KafkaTopics.invalidName("x".repeat(249)));
        assertEquals("a Kafka topic name cannot be empty", KafkaTopics.invalidName(""));
    }
}
