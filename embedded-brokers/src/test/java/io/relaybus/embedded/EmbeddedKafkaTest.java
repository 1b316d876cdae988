package io.relaybus.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A real forked KRaft broker: produce, consume, stop, restart, kill, restart; the record survives. */
@Tag("broker")
class EmbeddedKafkaTest {

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void recordSurvivesStopRestartAndKill() throws Exception {
        Lifecycle.startStepsClose("kafka", EmbeddedKafka::start, EmbeddedKafka::bootstrapServers, kafka -> {
            String bootstrap = kafka.bootstrapServers();
            assertTrue(bootstrap.startsWith("127.0.0.1:"));
            assertNotEquals(9092, kafka.port());
            assertTrue(kafka.isRunning());

            KafkaStrings.send(bootstrap, "t1", "hello", Duration.ofSeconds(30));
            assertEquals(List.of("hello"), readAll(bootstrap, "t1"));

            Lifecycle.stopAndRestart("kafka", kafka, kafka.port());
            assertEquals(bootstrap, kafka.bootstrapServers());
            assertEquals(List.of("hello"), readAll(bootstrap, "t1"));

            Lifecycle.killAndRestart("kafka", kafka);
            assertEquals(List.of("hello"), readAll(bootstrap, "t1"));
            assertTrue(Files.size(kafka.logFile()) > 0, "broker output goes to the log file");
        });
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void startupFailureQuotesTheBrokerLog() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> EmbeddedKafka.builder()
                .serverProperty("process.roles", "bogus")
                .start());
        assertTrue(e.getMessage().contains("exited with code"), e.getMessage());
        assertTrue(e.getMessage().contains("bogus"), "the message has the log tail: " + e.getMessage());
    }

    private static List<String> readAll(String bootstrap, String topic) {
        return KafkaStrings.readAll(bootstrap, topic, 1, Duration.ofSeconds(30));
    }
}
