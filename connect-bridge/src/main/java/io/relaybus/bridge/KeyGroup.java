package io.relaybus.bridge;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * Defines a connector's keys of one group on a {@link ConfigDef}, numbering them in the order they are defined (the
 * order Connect's validate response and the generated reference list them in). Not thread-safe; used while a
 * connector's definition is built.
 */
final class KeyGroup {

    private final ConfigDef def;
    private final String group;
    private int order;

    KeyGroup(ConfigDef def, String group) {
        this.def = def;
        this.group = group;
    }

    /** Defines the next key of the group, checked by {@code validator}. */
    KeyGroup define(String name, Type type, Object defaultValue, ConfigDef.Validator validator, Importance importance,
                    String doc, Width width, String displayName) {
        def.define(name, type, defaultValue, validator, importance, doc, group, ++order, width, displayName);
        return this;
    }

    /** Defines the next key of the group, without a check beyond its type. */
    KeyGroup define(String name, Type type, Object defaultValue, Importance importance, String doc, Width width,
                    String displayName) {
        return define(name, type, defaultValue, null, importance, doc, width, displayName);
    }
}
