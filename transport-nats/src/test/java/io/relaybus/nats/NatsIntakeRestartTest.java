package io.relaybus.nats;

import io.relaybus.api.BusFatalException;
import io.relaybus.api.BusHealth;
import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.SubscribeOptions;
import io.relaybus.api.Subscription;
import io.relaybus.embedded.TestBrokers;
import io.relaybus.tck.Received;
import io.relaybus.tck.RecordingSink;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A pull loop that fails after ready() restarts, reports its health, and gives up visibly (issue 10, item 8). */
class NatsIntakeRestartTest extends NatsBrokerTest {

    /** What the intake tells the runtime: health changes and deliveries. */
    private final RecordingSink sink = new RecordingSink();

    private NatsTransport transport(Object... keyValues) {
        return transport("restart-test", NatsTestSupport.settings(Map.of("nats.reconnect.wait.ms", "50"), keyValues));
    }

    /** Group g's pull subscription of {@code t} to {@code topic}, offering to {@link #sink}; ready. */
    private PullConsumerSubscription subscribe(NatsTransport t, String topic) {
        return pullSubscription(t, topic, sink);
    }

    /** A ready intake of a fresh topic (named after {@code topicBase}), on a transport with {@code keyValues}. */
    private Intake intake(String topicBase, Object... keyValues) {
        NatsTransport t = transport(keyValues);
        String topic = unique(topicBase);
        return new Intake(t, topic, subscribe(t, topic));
    }

    /** A transport, a topic and group g's pull subscription to it. */
    private record Intake(NatsTransport transport, String topic, PullConsumerSubscription subscription) {

        /** Makes the next {@code pulls} pulls fail and publishes an event meanwhile; returns that event. */
        Event failPullsWhilePublishing(int pulls, String payload) {
            subscription.failPulls(pulls);
            Event e = Event.of(topic, "k", payload);
            transport.publish(e).join();
            return e;
        }
    }

    @Test
    @DisplayName("failed pulls: DEGRADED, restarted, UP again, and events published meanwhile arrive")
    void failuresRestartAndRecover() {
        Event during = intake("restart", "nats.intake.max.restarts", "5").failPullsWhilePublishing(3, "during");
        Received.await(TIMEOUT, "the restarts were reported", () -> sink.count("degraded") >= 1);
        Received.await(TIMEOUT, "the intake recovered", () -> sink.health().contains("recovered"));
        Received.await(TIMEOUT, "the event published meanwhile arrived", () -> sink.received().ids()
                .contains(during.id()));
        assertEquals(0, sink.count("failed"), sink.health().toString());
        String first = sink.health().get(0);
        assertTrue(first.contains("injected pull failure") && first.contains("restart 1 of nats.intake.max.restarts=5"),
                first);
        assertEquals("recovered", sink.health().get(sink.health().size() - 1));
    }

    @Test
    @DisplayName("more failures in a row than nats.intake.max.restarts: intakeFailed, once, and the loop ends")
    void boundedRestartsThenFailed() {
        intake("bounded", "nats.intake.max.restarts", "2").subscription().failPulls(100);
        Received.await(TIMEOUT, "the intake failed", () -> sink.count("failed") == 1);
        assertEquals(2, sink.count("degraded"), sink.health().toString());
        assertTrue(sink.health().get(2).contains("injected pull failure"), sink.health().get(2));
    }

    @Test
    @DisplayName("nats.intake.max.restarts counts failures in a row: a recovery starts the count again")
    void recoveryResetsTheRestartCount() {
        Intake intake = intake("in-a-row", "nats.intake.max.restarts", "2");
        for (int round = 1; round <= 3; round++) {
            int recoveries = round;
            Event e = intake.failPullsWhilePublishing(2, "round " + round);
            Received.await(TIMEOUT, "recovery " + round + " was reported",
                    () -> sink.count("recovered") >= recoveries || sink.count("failed") > 0);
            Received.await(TIMEOUT, "the event of round " + round + " arrived",
                    () -> sink.received().ids().contains(e.id()) || sink.count("failed") > 0);
        }
        assertEquals(0, sink.count("failed"), sink.health().toString());
        assertEquals(6, sink.count("degraded"), sink.health().toString());
    }

    @Test
    @DisplayName("the stream deleted under a subscription with provisioning off: the subscription fails visibly")
    void streamDeletedWithoutProvisioningFailsTheSubscription() throws Exception {
        String prefix = operatorWildcardStream("gone");
        String stream = prefix.toUpperCase();
        EventBus bus = EventBus.open(Map.of("bus.transport", "nats", "nats.servers", TestBrokers.nats().address(),
                "nats.stream.provision", "false", "nats.reconnect.wait.ms", "50"));
        toClose.add(bus);
        Received received = new Received();
        Subscription s = subscribeReady(bus, SubscribeOptions.builder(prefix + ".orders").group("g").build(),
                received::add);
        assertEquals(BusHealth.Status.UP, s.health().status());

        jsm.deleteStream(stream);

        CompletionException e = assertThrows(CompletionException.class, () -> s.completion().toCompletableFuture()
                .orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join());
        assertTrue(e.getCause().getMessage().contains("nats stream add"), e.getCause().getMessage());
        assertEquals(BusHealth.Status.DOWN, s.health().status());
        assertEquals(BusHealth.Status.DOWN, bus.health().status(), bus.health().detail());
        assertInstanceOf(BusFatalException.class, rootBusCause(e.getCause()));
    }

    private static Throwable rootBusCause(Throwable t) {
        Throwable last = t;
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BusFatalException) {
                last = c;
            }
        }
        return last;
    }

    @Test
    @DisplayName("the group's consumer deleted on the server: created again, reported as a restart and recovery")
    void deletedConsumerIsReported() throws Exception {
        NatsTransport t = transport();
        String topic = unique("deleted");
        subscribe(t, topic);
        deleteConsumer(jsm, topic, "g_" + topic);
        Event after = Event.of(topic, "k", "after");
        t.publish(after).join();
        Received.await(TIMEOUT, "the event published after the deletion arrived",
                () -> sink.received().ids().contains(after.id()));
        Received.await(TIMEOUT, "the recovery was reported", () -> sink.health().contains("recovered"));
        assertTrue(sink.count("degraded") >= 1, sink.health().toString());
        assertEquals(0, sink.count("failed"), sink.health().toString());
    }
}
