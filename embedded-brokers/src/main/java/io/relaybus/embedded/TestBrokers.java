package io.relaybus.embedded;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * JVM-wide shared brokers for test suites: one Kafka and one NATS per JVM, started on first use.
 *
 * <p><b>External or embedded.</b> If the environment variable {@value #KAFKA_ENV} (resp. {@value #NATS_ENV}) is
 * set and not blank, {@link #kafka()} (resp. {@link #nats()}) returns a handle to that external broker, whose
 * {@link BrokerHandle#canRestart()} is {@code false}: it cannot be stopped, killed or restarted from here, so tests
 * of crash/restart behaviour should {@code assumeTrue(handle.canRestart())}. Otherwise the first call starts an
 * {@link EmbeddedKafka} (resp. {@link EmbeddedNats}) with the defaults and every later call returns the same one.
 *
 * <p><b>Ownership.</b> This class owns the shared embedded brokers; suites must not close them (the handle type
 * does not offer {@code close()}). They are stopped and their temp directories deleted by the brokers' JVM shutdown
 * hooks. A suite may {@code stop()}/{@code kill()}/{@code restart()} a shared broker but must leave it running;
 * if it does not, the next call to {@link #kafka()}/{@link #nats()} restarts it. Suites running in parallel in one
 * JVM share the broker, so they should use their own topic/subject names and only restart it in isolation.
 *
 * <p><b>Failures.</b> If the embedded broker cannot be started, the call throws {@link IllegalStateException} (with
 * the broker log tail) and every later call in the JVM fails the same way at once, rather than waiting again.
 *
 * <p><b>Threading.</b> Thread-safe; the first callers block while the broker starts.
 */
public final class TestBrokers {

    /** Bootstrap servers of an external Kafka to use instead of an embedded one. */
    public static final String KAFKA_ENV = "RELAYBUS_TEST_KAFKA_BOOTSTRAP";
    /** URL of an external NATS server (with JetStream) to use instead of an embedded one. */
    public static final String NATS_ENV = "RELAYBUS_TEST_NATS_URL";

    private static final Shared KAFKA = new Shared(KAFKA_ENV, EmbeddedKafka::start);
    private static final Shared NATS = new Shared(NATS_ENV, EmbeddedNats::start);

    private TestBrokers() {
    }

    /** The shared Kafka: external from {@value #KAFKA_ENV}, or an embedded broker started on first use. */
    public static BrokerHandle kafka() {
        return KAFKA.get();
    }

    /** The shared NATS: external from {@value #NATS_ENV}, or an embedded server started on first use. */
    public static BrokerHandle nats() {
        return NATS.get();
    }

    /** A handle to a broker someone else runs; only {@link #address()} and the getters work. */
    static final class ExternalBroker implements BrokerHandle {
        private final String address;
        private final String source;

        ExternalBroker(String address, String source) {
            this.address = Objects.requireNonNull(address, "address");
            this.source = source;
        }

        @Override
        public String address() {
            return address;
        }

        @Override
        public boolean canRestart() {
            return false;
        }

        @Override
        public boolean isExternal() {
            return true;
        }

        @Override
        public boolean isRunning() {
            return true;
        }

        @Override
        public void stop() {
            throw unsupported("stop");
        }

        @Override
        public void kill() {
            throw unsupported("kill");
        }

        @Override
        public void restart() {
            throw unsupported("restart");
        }

        private UnsupportedOperationException unsupported(String what) {
            return new UnsupportedOperationException("cannot " + what + " the external broker " + address
                    + " (from " + source + "); check canRestart() first");
        }

        @Override
        public String toString() {
            return "ExternalBroker[" + address + " from " + source + "]";
        }
    }

    /** Lazily created, JVM-wide broker for one kind. */
    private static final class Shared {
        private final String env;
        private final Supplier<? extends BrokerHandle> starter;
        private BrokerHandle handle;
        private RuntimeException failure;

        Shared(String env, Supplier<? extends BrokerHandle> starter) {
            this.env = env;
            this.starter = starter;
        }

        synchronized BrokerHandle get() {
            if (failure != null) {
                throw new IllegalStateException("the shared broker failed to start earlier in this JVM: "
                        + failure.getMessage(), failure);
            }
            if (handle == null) {
                String external = System.getenv(env);
                if (external != null && !external.isBlank()) {
                    handle = new ExternalBroker(external.trim(), "$" + env);
                } else {
                    try {
                        handle = starter.get();
                    } catch (RuntimeException e) {
                        failure = e;
                        throw e;
                    }
                }
            } else if (handle.canRestart() && !handle.isRunning()) {
                handle.restart();
            }
            return handle;
        }
    }
}
