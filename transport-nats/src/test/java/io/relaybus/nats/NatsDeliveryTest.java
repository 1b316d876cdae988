package io.relaybus.nats;

import io.nats.client.impl.NatsJetStreamMetaData;
import io.nats.client.impl.NatsMessage;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What a delivery reads from a JetStream reply subject: the delivery count and stream sequence, as jnats reads them. */
class NatsDeliveryTest {

    @Test
    @DisplayName("delivery count and stream sequence are those jnats reads, in every reply subject format")
    void ackNumbersAsJnats() {
        String[] subjects = {
                "$JS.ACK.orders.workers.1.42.40.1700000000000000000",                     // 8 tokens
                "$JS.ACK.orders.workers.3.9007199254740993.7.1700000000000000000.12",     // 9: with pending
                "$JS.ACK.hub.ACCHASH.orders.workers.2.1000.999.1700000000000000000.0.tok", // 12: domain and hash
                "$JS.ACK._.ACCHASH.my_stream.c-1.17.5.5.1700000000000000000.3",           // 11
        };
        for (String subject : subjects) {
            NatsJetStreamMetaData jnats = new NatsJetStreamMetaData(jetStreamMessage(subject));
            assertArrayEquals(new long[] {jnats.deliveredCount(), jnats.streamSequence()},
                    NatsDelivery.ackNumbers(subject), subject);
        }
    }

    @Test
    @DisplayName("a subject that is no JetStream reply yields nothing, and jnats refuses the malformed ones too")
    void notAnAckSubject() {
        assertNull(NatsDelivery.ackNumbers(null));
        assertNull(NatsDelivery.ackNumbers("_INBOX.abc.def"));
        for (String malformed : new String[] {"$JS.ACK.orders.workers.1.42", "$JS.ACK.s.c.x.42.40.1700000000000000000",
                "$JS.ACK.s.c.1..40.1700000000000000000", "$JS.ACK.a.b.s.c.1.2.3.4"}) {
            assertNull(NatsDelivery.ackNumbers(malformed), malformed);
            assertThrows(IllegalArgumentException.class, () -> new NatsJetStreamMetaData(jetStreamMessage(malformed)),
                    malformed);
        }
    }

    private static NatsMessage jetStreamMessage(String replyTo) {
        return new NatsMessage("orders", replyTo, new byte[0]) {
            @Override
            public boolean isJetStream() {
                return true;
            }
        };
    }
}
