package io.relaybus.runtime;

import io.relaybus.api.EventBus;
import io.relaybus.spi.config.ConfigDef;
import io.relaybus.spi.config.ConfigType;
import io.relaybus.spi.config.Importance;
import io.relaybus.spi.config.Validator;

/** The {@code bus.*} keys: the runtime's own configuration. */
final class BusConfig {

    public static final String TRANSPORT_CONFIG = EventBus.TRANSPORT_CONFIG;
    public static final String TRANSPORT_DOC = "The transport to use, by name: memory (built in), kafka, nats, or a "
            + "third-party one. Required when more than the built-in memory transport is on the class path.";

    public static final String CLIENT_ID_CONFIG = "bus.client.id";
    public static final String CLIENT_ID_DOC = "A name for this bus instance, used as client id and connection name on "
            + "the broker. Defaults to relaybus- and a random suffix.";

    public static final String QUEUE_CAPACITY_CONFIG = "bus.dispatch.queue.capacity";
    public static final int QUEUE_CAPACITY_DEFAULT = 1024;
    public static final String QUEUE_CAPACITY_DOC = "How many events each worker of a subscription may hold queued. "
            + "When a worker's queue is full the subscription stops fetching until there is room (backpressure). "
            + "A subscription holds at most concurrency x this many events un-acknowledged.";

    public static final String CLOSE_TIMEOUT_CONFIG = "bus.close.timeout.ms";
    public static final long CLOSE_TIMEOUT_DEFAULT = 30_000;
    public static final String CLOSE_TIMEOUT_DOC = "How long closing a subscription or the bus waits for in-flight "
            + "handlers and outstanding publishes. Events not handled by then are not acknowledged, so the broker "
            + "delivers them again.";

    public static final String INTERCEPTORS_CONFIG = "bus.interceptors";
    public static final String INTERCEPTORS_DOC = "Interceptors to apply, by name, in order (after those registered on "
            + "the builder): micrometer (io.relaybus:bus-micrometer), opentelemetry (io.relaybus:bus-opentelemetry), "
            + "or a third-party one found with ServiceLoader as an EventInterceptorProvider. An unknown name is an "
            + "error listing the interceptors found.";

    public static final ConfigDef DEFINITION = new ConfigDef("bus.")
            .define(TRANSPORT_CONFIG, ConfigType.STRING, null, null, Importance.HIGH, TRANSPORT_DOC)
            .define(CLIENT_ID_CONFIG, ConfigType.STRING, null, Validator.nonEmpty(), Importance.LOW, CLIENT_ID_DOC)
            .define(QUEUE_CAPACITY_CONFIG, ConfigType.INT, QUEUE_CAPACITY_DEFAULT, Validator.between(1, 1_000_000),
                    Importance.MEDIUM, QUEUE_CAPACITY_DOC)
            .define(CLOSE_TIMEOUT_CONFIG, ConfigType.LONG, CLOSE_TIMEOUT_DEFAULT, Validator.atLeast(0),
                    Importance.LOW, CLOSE_TIMEOUT_DOC)
            .define(INTERCEPTORS_CONFIG, ConfigType.LIST, null, null, Importance.LOW, INTERCEPTORS_DOC);

    private BusConfig() {
    }
}
