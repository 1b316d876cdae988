package io.relaybus.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The shared handles: one per JVM, external ones cannot restart, a stopped shared broker comes back. */
@Tag("broker")
class TestBrokersTest {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void sharedNatsIsOnePerJvmAndComesBackAfterStop() throws Exception {
        BrokerHandle nats = TestBrokers.nats();
        assertSame(nats, TestBrokers.nats());
        assertTrue(nats.address().startsWith("nats://"));
        assertTrue(nats.isRunning());
        if (nats.canRestart()) {
            nats.stop();
            assertSame(nats, TestBrokers.nats());
            assertTrue(nats.isRunning(), "handing out a stopped shared broker restarts it");
        }
        String address = nats.address();
        int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        assertTrue(EmbeddedNatsTest.infoLine(port).startsWith("INFO {"));
        if (!nats.isExternal()) {
            assertTrue(nats.cpuTime().isPresent(), "the server process reports its CPU time (for the benchmark)");
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void sharedKafkaIsOnePerJvm() {
        long t0 = System.nanoTime();
        BrokerHandle kafka = TestBrokers.kafka();
        System.out.printf("shared kafka: %d ms (%s)%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
                kafka.address());
        assertSame(kafka, TestBrokers.kafka());
        assertTrue(kafka.isRunning());
        assertEquals(kafka.canRestart(), !kafka.isExternal());
        if (!kafka.isExternal()) {
            // A JVM that started and served requests has used CPU time.
            assertTrue(kafka.cpuTime().orElseThrow().toMillis() > 0, "broker CPU time: " + kafka.cpuTime());
        }
    }

    @Test
    void externalBrokerCannotRestart() {
        BrokerHandle external = new TestBrokers.ExternalBroker("10.0.0.1:9092", "$" + TestBrokers.KAFKA_ENV);
        assertEquals("10.0.0.1:9092", external.address());
        assertFalse(external.canRestart());
        assertTrue(external.isExternal());
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, external::restart);
        assertTrue(e.getMessage().contains("canRestart()"), e.getMessage());
        assertThrows(UnsupportedOperationException.class, external::stop);
        assertThrows(UnsupportedOperationException.class, external::kill);
        assertTrue(external.cpuTime().isEmpty(), "nothing is known about an external broker's CPU");
    }
}
