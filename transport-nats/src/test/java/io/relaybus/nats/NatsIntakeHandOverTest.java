package io.relaybus.nats;

import io.relaybus.api.Event;
import io.relaybus.spi.DeliverySink;
import io.relaybus.tck.Received;
import io.relaybus.tck.RecordingSink;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Events the intake pulled but had not handed over yet when it paused or stopped: none may be left to the server's
 * ack wait. The ack wait here is two minutes, so an event the intake lost would arrive only after the test's
 * timeouts.
 */
class NatsIntakeHandOverTest extends NatsBrokerTest {

    private static final int EVENTS = 100;
    private static final int BATCH = 20;

    private NatsTransport transport() {
        return transport("hand-over-test", Map.of("nats.fetch.max.messages", BATCH,
                "nats.consumer.ack.wait.ms", 120_000L));
    }

    private PullConsumerSubscription subscribe(NatsTransport t, String topic, DeliverySink sink) {
        return pullSubscription(t, topic, sink);
    }

    /** Publishes {@link #EVENTS} events of one key; returns their ids in publish (stream) order. */
    private static List<String> publish(NatsTransport t, String topic) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            Event e = Event.of(topic, "k", "event " + i);
            t.publish(e).join();
            ids.add(e.id());
        }
        return ids;
    }

    /** Waits until the server delivered a whole pull request to the member, which took none of it in yet. */
    private static void awaitBatchInTheClient(String topic) {
        Received.await(TIMEOUT, "a pull request's events delivered to the client",
                () -> consumerInfo(topic, "g_" + topic).getNumAckPending() >= BATCH);
    }

    @Test
    @DisplayName("paused while pulled events wait in the client: after resume every event arrives once, in order")
    void pauseKeepsWhatWasPulled() throws Exception {
        NatsTransport t = transport();
        String topic = "handover-pause-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = publish(t, topic);
        RecordingSink sink = RecordingSink.refusingUntilOpened();
        PullConsumerSubscription s = subscribe(t, topic, sink);
        awaitBatchInTheClient(topic);

        s.pause();
        Thread.sleep(3000);     // the intake parks: it stops pulling and takes over what the client holds
        s.resume();
        sink.open();

        Received.await(TIMEOUT, "every event arrived after resume",
                () -> sink.received().containsAll(ids));
        assertEquals(ids, sink.received().events().stream().map(Event::id).toList(), "events in stream order, once");
    }

    @Test
    @DisplayName("stopped while pulled events wait in the client: the group's next member gets all of them at once")
    void stopHandsBackWhatWasPulled() {
        NatsTransport t = transport();
        String topic = "handover-stop-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = publish(t, topic);
        PullConsumerSubscription first = subscribe(t, topic, RecordingSink.refusingUntilOpened());
        awaitBatchInTheClient(topic);

        first.stopIntake();
        first.close();

        RecordingSink next = new RecordingSink();
        subscribe(t, topic, next);
        Received.await(TIMEOUT, "the next member got every event",
                () -> next.received().containsAll(ids));
    }
}
