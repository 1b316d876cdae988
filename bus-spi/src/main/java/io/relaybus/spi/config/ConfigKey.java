package io.relaybus.spi.config;

/**
 * One configuration key's definition.
 *
 * @param name       dotted, lowercase, namespaced, with a unit suffix where it has one ({@code kafka.linger.ms})
 * @param type       how values are parsed
 * @param defaultValue the default (already of the parsed type or a string), or {@code null} when the key is required
 *                   ({@link #required}) or simply optional
 * @param required   whether a value must be given
 * @param validator  checks parsed values, or {@code null}
 * @param importance how much users need it
 * @param doc        what it does, in a sentence or two
 */
public record ConfigKey(String name, ConfigType type, Object defaultValue, boolean required, Validator validator,
                        Importance importance, String doc) {
}
