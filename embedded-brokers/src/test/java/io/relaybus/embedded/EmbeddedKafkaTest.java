package io.relaybus.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    @SuppressWarnings("try") // close() is also called explicitly, to check the temp dir is deleted
    void recordSurvivesStopRestartAndKill() throws Exception {
        long t0 = System.nanoTime();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            System.out.printf("kafka start: %d ms (%s)%n", ms(t0), kafka.bootstrapServers());
            String bootstrap = kafka.bootstrapServers();
            assertTrue(bootstrap.startsWith("127.0.0.1:"));
            assertNotEquals(9092, kafka.port());
            assertTrue(kafka.isRunning());

            KafkaStrings.send(bootstrap, "t1", "hello", Duration.ofSeconds(30));
            assertEquals(List.of("hello"), readAll(bootstrap, "t1"));

            long t1 = System.nanoTime();
            kafka.stop();
            System.out.printf("kafka stop: %d ms%n", ms(t1));
            assertFalse(kafka.isRunning());
            assertFalse(ProcessSupport.accepts(kafka.port()));

            long t2 = System.nanoTime();
            kafka.restart();
            System.out.printf("kafka restart after stop: %d ms%n", ms(t2));
            assertEquals(bootstrap, kafka.bootstrapServers());
            assertEquals(List.of("hello"), readAll(bootstrap, "t1"));

            long t3 = System.nanoTime();
            kafka.kill();
            kafka.restart();
            System.out.printf("kafka kill + restart: %d ms%n", ms(t3));
            assertEquals(List.of("hello"), readAll(bootstrap, "t1"));
            assertTrue(Files.size(kafka.logFile()) > 0, "broker output goes to the log file");

            long t4 = System.nanoTime();
            kafka.close(); // explicit, to check the temp dir is gone; the second close is a no-op
            System.out.printf("kafka close: %d ms%n", ms(t4));
            assertFalse(Files.exists(kafka.directory()), "close deletes the temp dir");
        }
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

    private static long ms(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
