package io.relaybus.nats;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.StreamConfiguration;
import io.relaybus.api.Event;
import io.relaybus.api.EventBus;
import io.relaybus.api.PublishReceipt;
import io.relaybus.embedded.TestBrokers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A publish that finds no stream answering (what a clustered stream shows while its replicas elect a new leader:
 * "503 no responders") is sent again until the publish timeout, so it completes once the stream answers again.
 * Reproduced on one server by deleting the stream and creating it again a second later.
 */
@Tag("broker")
class NatsPublishResendTest {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    @DisplayName("a publish during a gap without a stream leader is sent again and completes once the stream is back")
    @SuppressWarnings("try") // jnats Connection.close() declares InterruptedException
    void publishRidesOutAGapWithoutStreamLeader() throws Exception {
        String url = TestBrokers.nats().address();
        String topic = "resend-" + UUID.randomUUID().toString().substring(0, 8);
        try (EventBus bus = EventBus.open(Map.of("bus.transport", "nats", "nats.servers", url));
             Connection nc = Nats.connect(url)) {
            PublishReceipt first = bus.publish(Event.builder(topic).payload("one").build()).toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            String stream = first.position().substring(0, first.position().indexOf('#'));
            JetStreamManagement jsm = nc.jetStreamManagement();
            StreamConfiguration config = jsm.getStreamInfo(stream).getConfiguration();
            jsm.deleteStream(stream);

            CompletableFuture<PublishReceipt> second = bus.publish(Event.builder(topic).payload("two").build())
                    .toCompletableFuture();
            Thread.sleep(1_000);
            assertFalse(second.isDone(), "still being sent again while no stream answers: " + second);
            jsm.addStream(config);

            PublishReceipt receipt = second.get(15, TimeUnit.SECONDS);
            assertEquals(stream, receipt.position().substring(0, receipt.position().indexOf('#')));
            assertEquals(1, jsm.getStreamInfo(stream).getStreamState().getMsgCount(), "stored once");
        }
    }
}
