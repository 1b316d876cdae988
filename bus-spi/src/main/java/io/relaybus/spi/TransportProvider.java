package io.relaybus.spi;

import io.relaybus.api.BusConfigException;
import io.relaybus.spi.config.ConfigDef;
import io.relaybus.spi.config.ConfigValues;

import java.util.List;

/**
 * Entry point of a transport, found with {@link java.util.ServiceLoader}. Register an implementation with
 * {@code @AutoService(TransportProvider.class)}; it needs a public no-argument constructor and must be cheap to
 * construct (no connections: those belong in {@link #create}).
 *
 * <p>Thread safe and stateless: one provider may create many transports.
 */
public interface TransportProvider {

    /**
     * The name users select with {@code bus.transport}: lowercase letters, digits and dashes. It is also the
     * namespace of the transport's keys: a provider named {@code kafka} owns every key starting with {@code kafka.}.
     */
    String name();

    /** One line for listings and error messages, for example "Apache Kafka via kafka-clients 4.3". */
    default String description() {
        return name();
    }

    /**
     * The transport's configuration keys, each with type, default, validator, importance and documentation. Every key
     * must start with {@code name() + "."}; an unknown key in that namespace is rejected before {@link #create} runs.
     */
    ConfigDef configDef();

    /**
     * Checks combinations of keys that are each valid alone but clash together (for example acknowledgements that
     * contradict idempotence), adding one problem per clash that names the keys. Runs after every key was parsed,
     * even when some failed (those hold their default; {@code problems} already names them, so do not report them
     * again), and its problems are reported together with theirs, before {@link #create} runs. The default finds
     * none.
     */
    default void validate(ConfigValues values, List<BusConfigException.Problem> problems) {
    }

    /**
     * Creates a transport and connects it. Fails within a bounded time, with a {@link io.relaybus.api.BusException}
     * saying what to check, when the broker cannot be reached.
     */
    Transport create(TransportContext context);
}
