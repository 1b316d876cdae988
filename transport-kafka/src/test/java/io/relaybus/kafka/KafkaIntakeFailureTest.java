package io.relaybus.kafka;

import io.relaybus.api.BusFatalException;
import io.relaybus.api.Event;
import io.relaybus.api.StartPosition;
import io.relaybus.spi.SubscriptionSpec;
import io.relaybus.spi.TransportContext;
import io.relaybus.spi.TransportSubscription;
import io.relaybus.tck.RecordingSink;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Failures inside a subscription's consumer, injected through {@link ConsumerFactory} on a real broker: positions that
 * cannot be looked up, a consumer that breaks, restarts used up, errors no restart fixes. What the runtime sees is
 * recorded by a {@link RecordingSink}: every event delivered (none skipped, none twice), and the intake health reports.
 */
@Tag("broker")
class KafkaIntakeFailureTest {

    private static final KafkaSubscription.Restarts FAST = new KafkaSubscription.Restarts(2, Duration.ofMillis(50),
            Duration.ofMillis(200));

    private final FaultyConsumers consumers = new FaultyConsumers();
    private final List<AutoCloseable> resources = new ArrayList<>();

    private KafkaTransport transport(KafkaSubscription.Restarts restarts) {
        Map<String, Object> config = KafkaTestSupport.busConfig(KafkaConfig.TOPIC_PARTITIONS_CONFIG, 3,
                KafkaConfig.COMMIT_INTERVAL_CONFIG, 200, KafkaConfig.READY_TIMEOUT_CONFIG, 30_000);
        config.remove("bus.transport");
        KafkaTransport t = new KafkaTransport("intake-test", KafkaConfig.DEFINITION.parse(config), consumers, restarts);
        resources.add(t);
        return t;
    }

    private TransportSubscription subscribe(KafkaTransport t, String topic, String group, StartPosition from,
                                            RecordingSink sink) throws Exception {
        TransportSubscription s = t.subscribe(new SubscriptionSpec(topic, group, from, 64), sink);
        resources.add(0, s::close);
        s.ready().get(60, TimeUnit.SECONDS);
        return s;
    }

    private static List<String> publish(KafkaTransport t, String topic, int from, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            ids.add(t.publish(Event.of(topic, "k" + i, "v" + i)).join().eventId());
        }
        return ids;
    }

    private static void awaitAll(RecordingSink sink, List<String> ids) {
        KafkaTestSupport.await("every event was delivered (" + sink.ids().size() + " so far)",
                () -> sink.ids().containsAll(ids));
    }

    private static void assertOnce(RecordingSink sink) {
        List<String> ids = sink.ids();
        assertEquals(new HashSet<>(ids).size(), ids.size(), "events delivered twice: " + ids);
    }

    /**
     * Publishes {@code count} events from number {@code from} and waits until the sink has them, breaks every consumer
     * so far (its next poll throws {@code message}), publishes {@code count} more and waits until the sink has those
     * too and the intake reported its recovery.
     */
    private void deliveredAcrossABreak(KafkaTransport t, String topic, RecordingSink sink, int from, int count,
                                       String message) {
        List<String> ids = publish(t, topic, from, count);
        awaitAll(sink, ids);
        consumers.breakConsumersSoFar("poll", () -> new IllegalStateException(message));
        ids.addAll(publish(t, topic, from + count, count));
        awaitAll(sink, ids);
        KafkaTestSupport.await("recovery is reported", () -> sink.health().contains("recovered"));
    }

    /**
     * Subscribes a group to a new topic ({@code base} and a suffix) with quick restarts, makes the next {@code polls}
     * polls throw {@code failure} (given the topic), and waits until the intake failed for good, with a fatal error.
     */
    private RecordingSink intakeFailedOnPoll(String base, int polls, Function<String, RuntimeException> failure)
            throws Exception {
        String topic = KafkaTestSupport.unique(base);
        KafkaTransport t = transport(FAST);
        RecordingSink sink = new RecordingSink();
        subscribe(t, topic, KafkaTestSupport.unique("g"), StartPosition.EARLIEST, sink);
        consumers.failNext("poll", polls, () -> failure.apply(topic));
        KafkaTestSupport.await("the intake failed", () -> sink.failure() != null);
        assertInstanceOf(BusFatalException.class, sink.failure());
        return sink;
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable r : resources) {
            r.close();
        }
    }

    @Test
    @DisplayName("looking up positions times out on assignment: the partitions wait and are retried, no record skipped")
    void positionLookupFailsOnAssignment() throws Exception {
        String topic = KafkaTestSupport.unique("position");
        KafkaTransport t = transport(FAST);
        List<String> ids = publish(t, topic, 0, 30);
        consumers.failNext("committed", 2, () -> new TimeoutException("injected: committed() timed out"));
        RecordingSink sink = new RecordingSink();
        subscribe(t, topic, KafkaTestSupport.unique("g"), StartPosition.EARLIEST, sink);
        ids.addAll(publish(t, topic, 30, 30));
        awaitAll(sink, ids);
        assertTrue(consumers.allThrown(), "the injected failures happened");
        assertOnce(sink);
        assertEquals(List.of(), sink.health(), "a retried lookup is not a restart");
        assertEquals(1, consumers.created.get());
    }

    @Test
    @DisplayName("a consumer that breaks after ready is replaced: DEGRADED, then recovered, nothing lost or repeated")
    void brokenConsumerIsReplaced() throws Exception {
        String topic = KafkaTestSupport.unique("broken");
        KafkaTransport t = transport(KafkaSubscription.Restarts.DEFAULT);
        RecordingSink sink = new RecordingSink();
        subscribe(t, topic, KafkaTestSupport.unique("g"), StartPosition.EARLIEST, sink);
        deliveredAcrossABreak(t, topic, sink, 0, 20, "injected: this consumer is broken");
        assertEquals(2, sink.health().size(), sink.health().toString());
        String first = sink.health().get(0);
        assertTrue(first.startsWith("degraded: the Kafka consumer failed (java.lang.IllegalStateException: "
                + "injected: this consumer is broken); restarting it in 500 ms (attempt 1 of 8)"), first);
        assertEquals(2, consumers.created.get());
        assertOnce(sink);
    }

    @Test
    @DisplayName("without a group, a replaced consumer goes on where the broken one stopped: nothing skipped or replayed")
    void grouplessRestartResumes() throws Exception {
        String topic = KafkaTestSupport.unique("groupless");
        KafkaTransport t = transport(FAST);
        List<String> before = publish(t, topic, 0, 5);   // before the subscription: LATEST never delivers these
        RecordingSink sink = new RecordingSink();
        subscribe(t, topic, null, StartPosition.LATEST, sink);
        deliveredAcrossABreak(t, topic, sink, 5, 10, "injected");
        assertTrue(sink.ids().stream().noneMatch(before::contains), "replayed from the start: " + sink.ids());
        assertOnce(sink);
    }

    @Test
    @DisplayName("restarts used up: the intake fails for good, with a fatal error saying how often it failed")
    void restartsUsedUp() throws Exception {
        RecordingSink sink = intakeFailedOnPoll("used-up", 1_000,
                topic -> new KafkaException("injected: poll failed"));
        BusFatalException f = (BusFatalException) sink.failure();
        assertTrue(f.getMessage().contains("failed 3 times in a row"), f.getMessage());
        assertEquals(3, sink.health().size(), sink.health().toString());
        assertTrue(sink.health().get(0).startsWith("degraded: "), sink.health().toString());
        assertTrue(sink.health().get(1).startsWith("degraded: "), sink.health().toString());
        assertTrue(sink.health().get(2).startsWith("failed: "), sink.health().toString());
        assertEquals(3, consumers.created.get());
    }

    @Test
    @DisplayName("an authorization error is not retried: the intake fails at once")
    void authorizationFailsAtOnce() throws Exception {
        RecordingSink sink = intakeFailedOnPoll("denied", 1, topic -> new TopicAuthorizationException(Set.of(topic)));
        assertTrue(sink.failure().getMessage().contains("refused by the Kafka brokers"), sink.failure().getMessage());
        assertEquals(1, sink.health().size(), sink.health().toString());
        assertEquals(1, consumers.created.get());
    }
}
