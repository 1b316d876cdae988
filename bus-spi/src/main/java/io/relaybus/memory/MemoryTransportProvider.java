package io.relaybus.memory;

import com.google.auto.service.AutoService;
import io.relaybus.spi.Transport;
import io.relaybus.spi.TransportContext;
import io.relaybus.spi.TransportProvider;
import io.relaybus.spi.config.ConfigDef;
import io.relaybus.spi.config.ConfigType;
import io.relaybus.spi.config.Importance;
import io.relaybus.spi.config.Validator;

/** Provides the {@code memory} transport. */
@AutoService(TransportProvider.class)
public final class MemoryTransportProvider implements TransportProvider {

    public static final String NAME = "memory";

    public static final String BROKER_CONFIG = "memory.broker";
    public static final String BROKER_DOC = "The name of the in-JVM broker. Buses opened with the same name share "
            + "topics, groups and offsets, like clients of one real broker; use different names to isolate them. The "
            + "first bus to open a broker sets its retention (memory.retention.*); a later bus that asks for another "
            + "fails to open with a configuration error.";

    public static final String RETENTION_CONFIG = "memory.retention.events";
    public static final long RETENTION_DEFAULT = 100_000;
    public static final String RETENTION_DOC = "How many events each topic keeps at most. Older events are dropped, "
            + "as a broker's retention does, but never ones a group with an open subscription has not taken: "
            + "publishing waits for that group instead (memory.max.block.ms). A group without one that falls further "
            + "behind skips ahead and misses the dropped events when it comes back; its subscription logs a WARN with "
            + "the count and reports DEGRADED health until it is back within half the retention.";

    public static final String RETENTION_BYTES_CONFIG = "memory.retention.bytes";
    public static final long RETENTION_BYTES_DEFAULT = 4L * 1024 * 1024;
    public static final String RETENTION_BYTES_DOC = "How many bytes of events (payload, key, and header names and "
            + "values) each topic keeps at most, whichever of this and " + RETENTION_CONFIG + " is reached first; "
            + "the newest event is always kept. It bounds the heap the broker holds per topic, and so how far a "
            + "group's handlers may fall behind before publishing waits for them.";

    public static final String MAX_BLOCK_CONFIG = "memory.max.block.ms";
    public static final long MAX_BLOCK_DEFAULT = 10_000;
    public static final String MAX_BLOCK_DOC = "How long publish may block the calling thread while storing the event "
            + "would drop events that a group with an open subscription (paused or slow) has not taken yet. When it "
            + "runs out the publish fails with a BusRetriableException and nothing is stored, so nothing acknowledged "
            + "is lost (as kafka.max.block.ms bounds a full send buffer). A handler that publishes to its own topic "
            + "may wait for its own group this long: give such a topic room with memory.retention.bytes.";

    public static final String FETCH_MAX_CONFIG = "memory.fetch.max.events";
    public static final String FETCH_MAX_DOC = "How many events a subscription takes from the log at once.";

    public static final String MAX_EVENT_BYTES_CONFIG = "memory.max.event.bytes";
    public static final String MAX_EVENT_BYTES_DOC = "The largest event the broker stores, in bytes (payload, key, and "
            + "header names and values). A larger one fails to publish with a BusFatalException, as a real broker's "
            + "size limit does (Kafka's and NATS's default is also 1 MiB).";

    private static final ConfigDef DEFINITION = new ConfigDef("memory.")
            .define(BROKER_CONFIG, ConfigType.STRING, "default", Validator.nonEmpty(), Importance.MEDIUM, BROKER_DOC)
            .define(RETENTION_CONFIG, ConfigType.LONG, RETENTION_DEFAULT, Validator.atLeast(1), Importance.MEDIUM,
                    RETENTION_DOC)
            .define(RETENTION_BYTES_CONFIG, ConfigType.LONG, RETENTION_BYTES_DEFAULT, Validator.atLeast(1),
                    Importance.MEDIUM, RETENTION_BYTES_DOC)
            .define(MAX_BLOCK_CONFIG, ConfigType.LONG, MAX_BLOCK_DEFAULT, Validator.between(0, 600_000),
                    Importance.MEDIUM, MAX_BLOCK_DOC)
            .define(FETCH_MAX_CONFIG, ConfigType.INT, 512, Validator.between(1, 100_000), Importance.LOW,
                    FETCH_MAX_DOC)
            .define(MAX_EVENT_BYTES_CONFIG, ConfigType.INT, 1024 * 1024, Validator.atLeast(1), Importance.LOW,
                    MAX_EVENT_BYTES_DOC);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "in-memory broker inside this JVM (embedded default)";
    }

    @Override
    public ConfigDef configDef() {
        return DEFINITION;
    }

    /**
     * For tests: stands in for a broker restart on the in-JVM broker named {@code broker} (the value of
     * {@value #BROKER_CONFIG}). It comes back over the same storage, as a real broker comes back from its disk: topic
     * logs, groups and their positions are kept; every delivery handed out and not settled yet is forgotten and handed
     * to its group again, so it is delivered again (at least once), and settling a forgotten delivery later changes
     * nothing. The compatibility kit's broker-restart contract runs on the memory transport with it.
     *
     * @return false when no bus has opened a broker of that name
     */
    public static boolean restartBroker(String broker) {
        return MemoryBroker.restart(broker);
    }

    @Override
    public Transport create(TransportContext context) {
        MemoryBroker broker = MemoryBroker.named(context.config().getString(BROKER_CONFIG),
                context.config().getLong(RETENTION_CONFIG), context.config().getLong(RETENTION_BYTES_CONFIG));
        return new MemoryTransport(broker, context.config().getInt(FETCH_MAX_CONFIG),
                context.config().getInt(MAX_EVENT_BYTES_CONFIG), context.config().getLong(MAX_BLOCK_CONFIG));
    }
}
