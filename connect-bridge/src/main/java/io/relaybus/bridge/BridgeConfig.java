package io.relaybus.bridge;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * What the source's and the sink's configurations share: parsing a connector's properties against its
 * {@link ConfigDef} without logging the values (a server URL may hold a password), and typed accessors for the
 * value kinds both use. Immutable.
 */
abstract class BridgeConfig extends AbstractConfig {

    /**
     * @param props the connector's configuration, deprecated names already translated ({@link NatsKeys#translate})
     * @throws org.apache.kafka.common.config.ConfigException naming the first key whose value {@code def} refuses
     */
    BridgeConfig(ConfigDef def, Map<String, String> props) {
        super(def, props, false);   // false: no INFO dump of the values
    }

    /**
     * The constant of {@code type} that a string key names, in any case; the key's validator allows only those
     * names.
     */
    <E extends Enum<E>> E enumValue(Class<E> type, String key) {
        return Enum.valueOf(type, getString(key).toUpperCase(Locale.ROOT));
    }

    /** The value of a {@code LONG} key that holds milliseconds. */
    Duration millis(String key) {
        return Duration.ofMillis(getLong(key));
    }
}
