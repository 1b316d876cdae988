/**
 * Typed, documented configuration definitions in the style of Kafka's {@code ConfigDef}: each key has a type, a
 * default, a validator, an importance and documentation; parsing reports every invalid value at once, and the
 * reference tables in the documentation are generated from the definitions.
 */
package io.relaybus.spi.config;
