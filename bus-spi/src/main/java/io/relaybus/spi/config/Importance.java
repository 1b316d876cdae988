package io.relaybus.spi.config;

/** How much a user needs to know a key, as in Kafka's documentation: HIGH keys are the ones to read first. */
public enum Importance { HIGH, MEDIUM, LOW }
